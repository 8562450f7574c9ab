/** Pure helpers for the benchmark's numbers. */

/** The median of the values (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The p-th percentile (0..100) by the nearest-rank method: the smallest value
 * with at least p% of the values at or below it. NaN when empty.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in 0..100, got ${String(p)}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Records per second of `records` done in `ms` milliseconds. */
export function perSecond(records: number, ms: number): number {
  if (!(ms > 0)) throw new RangeError(`elapsed time must be positive, got ${String(ms)} ms`);
  return (records * 1000) / ms;
}

/** a / b, or null when either is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/** Rounds to `digits` significant figures, but never below an integer (12345.6 → 12346, 0.012345 → 0.0123). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** Math.max(0, digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

/**
 * Steady-state rate from progress samples (time ms, records done): the slope
 * between the first sample at or past `from` × total and the first at or past
 * `to` × total, so start-up (group join, connections) and the tail are left
 * out. Null when the samples never cross both marks or do not advance.
 */
export function steadyRate(
  samples: readonly { readonly atMs: number; readonly done: number }[],
  total: number,
  from = 0.1,
  to = 0.9,
): number | null {
  const start = samples.find((s) => s.done >= total * from);
  const end = samples.find((s) => s.done >= total * to);
  if (start === undefined || end === undefined || end.atMs <= start.atMs || end.done <= start.done) return null;
  return perSecond(end.done - start.done, end.atMs - start.atMs);
}

/** Min, median and max of repeated measurements (rounded), with the runs themselves. */
export function spread(values: readonly number[]): { min: number; median: number; max: number; runs: number[] } {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, runs: [] };
  return {
    min: round(Math.min(...values)),
    median: round(median(values)),
    max: round(Math.max(...values)),
    runs: values.map((v) => round(v)),
  };
}

/** The least-squares slope of the values against their index (change per step); 0 for fewer than two values. */
export function trend(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}
