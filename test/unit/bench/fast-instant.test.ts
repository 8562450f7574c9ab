import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastUtcInstant, timestampConverter } from '../../../lambdas/core/cql/convert-temporal.js';
import { parseLocale, parseZone, temporalFormatter, toInstant } from '../../../lambdas/core/cql/temporal.js';
import { codecSettingsSchema } from '../../../lambdas/core/codecs/settings.js';

// The fast path of timestampConverter (a performance fix found by the bench) must give
// exactly the formatter's instant whenever it answers, for both presets that use it.
const presets = ['ISO_INSTANT', 'CQL_TIMESTAMP'] as const;
const slow = Object.fromEntries(presets.map((preset) => [preset, temporalFormatter('codec.timestamp', preset, parseLocale('en_US'))]));
const zone = parseZone('Europe/Paris');

function slowMillis(preset: (typeof presets)[number], text: string): number | undefined {
  try {
    const formatter = slow[preset];
    if (formatter === undefined) throw new Error(preset);
    const instant = toInstant(formatter.parse(text), zone);
    return instant.toEpochMilli();
  } catch {
    return undefined;
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const isoLike = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,3}$/), { nil: undefined }),
  })
  .map(
    (p) =>
      `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${p.fraction === undefined ? '' : `.${p.fraction}`}Z`,
  );

describe('fast UTC instant path of the timestamp converter', () => {
  it('agrees with the formatter whenever it answers', () => {
    fc.assert(
      fc.property(isoLike, (text) => {
        const fast = fastUtcInstant(text);
        if (fast === undefined) return;
        for (const preset of presets) expect(slowMillis(preset, text), `${preset} ${text}`).toBe(fast.getTime());
      }),
      { numRuns: 3000 },
    );
  });

  it('answers for the common shapes and leaves the rest to the formatter', () => {
    expect(fastUtcInstant('2026-03-01T10:15:30Z')?.toISOString()).toBe('2026-03-01T10:15:30.000Z');
    expect(fastUtcInstant('2026-03-01T10:15:30.5Z')?.getTime()).toBe(Date.UTC(2026, 2, 1, 10, 15, 30, 500));
    expect(fastUtcInstant('2024-02-29T00:00:00.123Z')?.getTime()).toBe(Date.UTC(2024, 1, 29, 0, 0, 0, 123));
    for (const other of [
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01T23:59:60Z',
      '0999-01-01T00:00:00Z',
      '2026-03-01T10:15:30.1234Z',
      '2026-03-01T10:15:30+01:00',
      '2026-03-01t10:15:30z',
      ' 2026-03-01T10:15:30Z',
      '2026-03-01 10:15:30Z',
    ]) {
      expect(fastUtcInstant(other), other).toBeUndefined();
    }
  });

  it('the converter still takes what only the formatter reads', () => {
    const convert = timestampConverter(codecSettingsSchema.parse({ timestamp: 'ISO_INSTANT' }));
    expect((convert('2026-03-01T10:15:30.123456Z') as Date).getTime()).toBe(Date.UTC(2026, 2, 1, 10, 15, 30, 123));
    expect((convert(' 2026-03-01T10:15:30Z ') as Date).getTime()).toBe(Date.UTC(2026, 2, 1, 10, 15, 30));
    expect((convert('2026-03-01T10:15:30Z') as Date).getTime()).toBe(Date.UTC(2026, 2, 1, 10, 15, 30));
  });
});
