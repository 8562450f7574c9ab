import { types } from 'cassandra-driver';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalConverter, simpleDecimal } from '../../../lambdas/core/cql/convert-numeric.js';
import { uuidConverter } from '../../../lambdas/core/cql/convert-scalar.js';
import { fastUtcInstant } from '../../../lambdas/core/cql/convert-temporal.js';

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
  const text = fc
    .array(fc.constantFrom('0', '1', '5', '9', '9', '.', '-', '+', 'e', ' '), { maxLength: 19 })
    .map((chars) => chars.join(''));

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
      fc.property(
        fc.oneof(
          nearUuid,
          canonical,
          canonical.map((u) => u.toUpperCase()),
        ),
        (s) => {
          const fast = outcome(() => uuid(s));
          const general = outcome(() => viaGeneralPath(uuid, s));
          expect('value' in fast, s).toBe('value' in general);
          if ('value' in fast && 'value' in general)
            expect((fast.value as types.Uuid).getBuffer()).toEqual((general.value as types.Uuid).getBuffer());
        },
      ),
      { numRuns: 20_000 },
    );
  }, 60_000);

  it('refuses near misses the hex decoder would half-read', () => {
    expect(() => uuid('0000000a-0000-4000-8000-00000000000\u0141')).toThrow(/not a UUID/);
    expect(() => uuid('0000000a-0000-4000-8000-00000000000g')).toThrow(/not a UUID/);
  });
});

describe('UTC instant reader', () => {
  // The reader used this pattern before it read characters; it must answer the same.
  const UTC_INSTANT_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;
  function byPattern(text: string): number | undefined {
    const m = UTC_INSTANT_TEXT.exec(text);
    if (m === null) return undefined;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'))));
    return date.getUTCDate() === day ? date.getTime() : undefined;
  }

  it('reads exactly what the pattern read, to the same instant', () => {
    const chars = fc.constantFrom(...'0123456789-:.TZtz+ \u0661'.split(''));
    const mutated = fc
      .tuple(
        fc.date({ min: new Date(Date.UTC(900, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 30 }),
        chars,
        fc.boolean(),
      )
      .map(([date, cut, at, char, mutate]) => {
        const iso = date.toISOString();
        let text = cut === 0 ? iso.replace('.000Z', 'Z') : iso.slice(0, iso.length - 1 - (3 - cut)) + 'Z';
        if (mutate) text = text.slice(0, at) + char + text.slice(at + 1);
        return text;
      });
    fc.assert(
      fc.property(mutated, (text) => {
        expect(fastUtcInstant(text)?.getTime(), text).toBe(byPattern(text));
      }),
      { numRuns: 20_000 },
    );
  }, 60_000);
});
