import { describe, expect, it } from 'vitest';
import { median, percentile, perSecond, ratio, round, spread, steadyRate, trend } from '../../../bench/lib/stats.js';
import { cdcChanges, partitionOfKey } from '../../../bench/lib/cdc.js';

describe('bench statistics', () => {
  it('trend is the least-squares slope per step', () => {
    expect(trend([10, 12, 14, 16])).toBeCloseTo(2, 12);
    expect(trend([5, 5, 5])).toBe(0);
    expect(trend([1, 3, 2])).toBeCloseTo(0.5, 12);
    expect(trend([7])).toBe(0);
  });

  it('median of odd and even counts, unsorted input left alone', () => {
    const input = [5, 1, 3];
    expect(median(input)).toBe(3);
    expect(input).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('spread of repeated runs: min, median, max', () => {
    expect(spread([3.14159, 1, 2])).toEqual({ min: 1, median: 2, max: 3.14, runs: [3.14, 1, 2] });
    expect(spread([]).median).toBeNaN();
  });

  it('CDC workload: the asked number of changes over the keys, in bursts sharing a millisecond, one partition per key', () => {
    const changes = cdcChanges(10_000, 500, 42, 1_000);
    expect(changes).toHaveLength(10_000);
    const keys = new Set(changes.map((c) => c.order.order_id));
    expect(keys.size).toBeGreaterThan(400);
    expect(keys.size).toBeLessThanOrEqual(500);
    const sameMsAsPrevious = changes.filter((c, i) => i > 0 && changes[i - 1]?.timestamp === c.timestamp).length;
    expect(sameMsAsPrevious / changes.length).toBeGreaterThan(0.9);
    expect(cdcChanges(100, 5, 42, 1_000)).toEqual(cdcChanges(100, 5, 42, 1_000));
    const key = Buffer.from(changes[0]?.order.order_id ?? '');
    expect(partitionOfKey(key, 4)).toBe(partitionOfKey(Buffer.from(key), 4));
    expect(partitionOfKey(key, 4)).toBeLessThan(4);
  });

  it('rates and ratios', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(() => perSecond(1, 0)).toThrow(RangeError);
    expect(ratio(9, 10)).toBe(0.9);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
  });

  it('rounds to significant figures, keeping integer digits', () => {
    expect(round(12345.678)).toBe(12346);
    expect(round(0.012345)).toBe(0.0123);
    expect(round(3.14159, 2)).toBe(3.1);
    expect(round(0)).toBe(0);
  });

  it('steady rate between the 10% and 90% marks', () => {
    const samples = [
      { atMs: 0, done: 0 },
      { atMs: 5000, done: 0 }, // start-up
      { atMs: 6000, done: 100 },
      { atMs: 7000, done: 500 },
      { atMs: 8000, done: 900 },
      { atMs: 20000, done: 1000 }, // slow tail
    ];
    expect(steadyRate(samples, 1000)).toBe(400);
    expect(steadyRate(samples.slice(0, 3), 1000)).toBeNull();
  });
});
