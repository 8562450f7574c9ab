import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasLongDigitRun, parseJson } from '../../../lambdas/core/codecs/json.js';

// The JSON decoder's pre-check for numbers a double cannot hold was a regular expression; its scan must say the same.
const LONG_DIGIT_RUN = /\d{16}/;

describe('hasLongDigitRun', () => {
  it('finds exactly what /\\d{16}/ finds', () => {
    const text = fc
      .array(fc.constantFrom('1', '2', '0', '9', '9', '5', '.', '"', 'a', '-', '\u0663', '/', ':'), { maxLength: 60 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (s) => {
        expect(hasLongDigitRun(s), JSON.stringify(s)).toBe(LONG_DIGIT_RUN.test(s));
      }),
      { numRuns: 20_000 },
    );
    const runAt = fc.tuple(fc.nat({ max: 40 }), fc.integer({ min: 14, max: 18 }), fc.nat({ max: 40 }));
    fc.assert(
      fc.property(runAt, ([before, digits, after]) => {
        const s = `${'x'.repeat(before)}${'7'.repeat(digits)}${'y'.repeat(after)}`;
        expect(hasLongDigitRun(s), s).toBe(digits >= 16);
      }),
    );
  }, 60_000);

  it('keeps long numbers exact, as before', () => {
    expect(parseJson('{"id":9223372036854775807,"n":1}', 'value')).toEqual({ id: 9223372036854775807n, n: 1 });
    expect(parseJson('{"d":0.12345678901234567891}', 'value')).toEqual({ d: '0.12345678901234567891' });
  });
});
