import { describe, expect, it } from 'vitest';
import { resolvePollerSettings } from '../../../local/poller/options.js';
import { PartitionTable } from '../../../local/poller/partitions.js';
import { PollerStatsBook } from '../../../local/poller/stats.js';

describe('stats: PollerStatsBook', () => {
  it('sums lag over the partitions it knows, never below zero, and rates the records processed in the last 10 s', () => {
    const partitions = new PartitionTable();
    const b = partitions.ensure('orders', 1);
    b.highWatermark = 50n;
    b.committed = 40n;
    const a = partitions.ensure('orders', 0);
    a.highWatermark = 5n;
    a.committed = 9n; // a stale high watermark
    partitions.ensure('orders', 2); // no high watermark yet
    const book = new PollerStatsBook();
    book.processed(1_000, 500); // outside the window by then
    book.processed(15_000, 200);
    const stats = book.snapshot({ now: 20_000, running: true, startedAt: 0, inFlight: 1, buffered: 7, partitions: partitions.values() });
    expect(stats.partitions.map((p) => [p.partition, p.lag])).toEqual([
      [0, 0n],
      [1, 10n],
      [2, null],
    ]);
    expect(stats.totalLag).toBe(10n);
    expect(stats.recordsProcessed).toBe(700);
    expect(stats.recordsPerSecond).toBe(20);
    expect(stats).toMatchObject({ running: true, uptimeMs: 20_000, inFlight: 1, buffered: 7 });
  });
});

describe('options: resolvePollerSettings', () => {
  const base = { bootstrapServers: ['k:9092'], topics: ['orders'], groupId: 'g', handler: () => Promise.resolve(undefined) };

  it('fills in the event source mapping defaults', () => {
    const settings = resolvePollerSettings(base);
    expect(settings).toMatchObject({
      batchSize: 100,
      maximumBatchingWindowMs: 500,
      maximumRecordAgeSeconds: -1,
      maxBytesPerPartition: 32 * 1024,
      maxConcurrency: 5,
      maxBuffered: 1000,
      eventSourceKind: 'msk',
      tombstones: 'omit',
      reportBatchItemFailures: true,
      statsIntervalMs: 1000,
      stopGraceMs: 60_000,
      retry: {
        maximumRetryAttempts: -1,
        hasOnFailureDestination: false,
        bisectBatchOnFunctionError: false,
        backoff: { initialMs: 1000, maxMs: 60_000, multiplier: 2 },
      },
    });
    expect(settings.eventSourceArn).toMatch(/^arn:aws:kafka:/);
    expect(resolvePollerSettings({ ...base, eventSourceKind: 'self-managed' }).eventSourceArn).toBeUndefined();
  });

  it('rejects an out-of-range setting, naming it and its value', () => {
    expect(() => resolvePollerSettings({ ...base, batchSize: 0 })).toThrow('batchSize must be an integer in 1..10000, got 0');
    expect(() => resolvePollerSettings({ ...base, maximumRetryAttempts: -2 })).toThrow(
      'maximumRetryAttempts must be an integer in 0..10000 or -1, got -2',
    );
    expect(() => resolvePollerSettings({ ...base, topics: [] })).toThrow('topics must not be empty');
  });
});
