import { types } from 'cassandra-driver';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalConverter, simpleDecimal } from '../../../lambdas/core/cql/convert-numeric.js';
import { uuidConverter } from '../../../lambdas/core/cql/convert-scalar.js';

/*
 * Decimal and UUID text have a fast path for their common form; anything
 * else takes the general path. The general path trims its input, so a padded
 * copy of the same text shows what the general path makes of it.
 */
const viaGeneralPath = (convert: (value: unknown) => unknown, text: string): unknown => convert(` ${text} `);
const outcome = (run: () => unknown): { value: unknown } | { error: string } => {
  try {
    return { value: run() };
  } catch (error) {
    return { error: String(error) };
  }
};

describe('decimal fast path', () => {
  const decimal = decimalConverter();
  const text = fc.array(fc.constantFrom('0', '1', '5', '9', '9', '.', '-', '+', 'e', ' '), { maxLength: 19 }).map((chars) => chars.join(''));

  it('gives the same value and bytes as the general path, or leaves the text to it', () => {
    fc.assert(
      fc.property(text, (s) => {
        const fast = simpleDecimal(s);
        const general = outcome(() => viaGeneralPath(decimal, s));
        if (fast === undefined) return;
        expect('value' in general, s).toBe(true);
        const reference = (general as { value: types.BigDecimal }).value;
        expect(types.BigDecimal.toBuffer(fast), s).toEqual(types.BigDecimal.toBuffer(reference));
        expect(fast.toString(), s).toBe(reference.toString());
      }),
      { numRuns: 20_000 },
    );
  }, 60_000);

  it('takes the common forms, and the converter returns them', () => {
    for (const s of ['282.12', '-0.00', '0', '.5', '5.', '-123456789012345', '999999999999999.']) {
      expect(simpleDecimal(s), s).toBeDefined();
      expect(String(decimal(s)), s).toBe(String(viaGeneralPath(decimal, s)));
    }
    for (const s of ['', '-', '.', '1e5', '+1', ' 1', '1.2.3', '1234567890123456']) expect(simpleDecimal(s), s).toBeUndefined();
  });
});

describe('uuid fast path', () => {
  const uuid = uuidConverter();
  const hexChar = fc.constantFrom(...'0123456789abcdefABCDEFgG-\u0141\u0661 '.split(''));
  const nearUuid = fc.array(hexChar, { minLength: 36, maxLength: 36 }).map((chars) => chars.join(''));
  const canonical = fc.uuid();

  it('accepts exactly the canonical UUID text, as the general path does, with the same bytes', () => {
    fc.assert(
      fc.property(fc.oneof(nearUuid, canonical, canonical.map((u) => u.toUpperCase())), (s) => {
        const fast = outcome(() => uuid(s));
        const general = outcome(() => viaGeneralPath(uuid, s));
        expect('value' in fast, s).toBe('value' in general);
        if ('value' in fast && 'value' in general) expect((fast.value as types.Uuid).getBuffer()).toEqual((general.value as types.Uuid).getBuffer());
      }),
      { numRuns: 20_000 },
    );
  }, 60_000);

  it('refuses near misses the hex decoder would half-read', () => {
    expect(() => uuid('0000000a-0000-4000-8000-00000000000\u0141')).toThrow(/not a UUID/);
    expect(() => uuid('0000000a-0000-4000-8000-00000000000g')).toThrow(/not a UUID/);
  });
});
