import { describe, expect, it } from 'vitest';
import { PartitionTable, type BufferedRecord, type PartitionState } from '../../../local/poller/partitions.js';
import { expiredRecords, partitionViews, readyBatch, skippedCommits } from '../../../local/poller/scheduling.js';

const record = (topic: string, partition: number, offset: number, overrides: Partial<BufferedRecord> = {}): BufferedRecord => ({
  topic,
  partition,
  offset: BigInt(offset),
  timestamp: 0n,
  timestampType: 'CREATE_TIME',
  key: null,
  value: null,
  headers: [],
  leaderEpoch: 0,
  arrivedAt: 0,
  ...overrides,
});

/** A table with `orders-0` holding offsets 0..n-1 and `orders-1` holding 100..100+m-1. */
function table(n: number, m: number, arrivedAt = 0): { partitions: PartitionTable; p0: PartitionState; p1: PartitionState } {
  const partitions = new PartitionTable();
  const p0 = partitions.ensure('orders', 0);
  const p1 = partitions.ensure('orders', 1);
  for (let i = 0; i < n; i++) p0.buffer.push(record('orders', 0, i, { arrivedAt }));
  for (let i = 0; i < m; i++) p1.buffer.push(record('orders', 1, 100 + i, { arrivedAt: arrivedAt + 1 }));
  return { partitions, p0, p1 };
}

describe('scheduling: readyBatch', () => {
  it('waits for the batching window while fewer than batchSize records are buffered', () => {
    const { partitions } = table(3, 2, 1000);
    expect(readyBatch(partitions, 1100, { batchSize: 10, maximumBatchingWindowMs: 500 })).toEqual({ kind: 'wait', until: 1500 });
  });

  it('takes the leading records of the partitions, oldest first, up to batchSize, without removing them from the buffers', () => {
    const { partitions, p0, p1 } = table(6, 6);
    const batch = readyBatch(partitions, 0, { batchSize: 8, maximumBatchingWindowMs: 500 });
    if (batch.kind !== 'invoke') throw new Error(`expected an invocation, got ${batch.kind}`);
    expect(batch.parts.map((p) => [p.state.key, p.records.map((r) => Number(r.offset))])).toEqual([
      [p0.key, [0, 1, 2, 3, 4, 5]],
      [p1.key, [100, 101]],
    ]);
    expect(p0.buffer).toHaveLength(6);
    expect(p0.inFlight).toBe(false);
  });

  it('skips a partition in flight, and sends a retrying partition at most its retry limit once its backoff ends', () => {
    const { partitions, p0, p1 } = table(5, 5);
    p0.inFlight = true;
    p1.retry = { retries: 1, invocations: 1, limit: 2 };
    p1.notBefore = 2000;
    expect(readyBatch(partitions, 1000, { batchSize: 10, maximumBatchingWindowMs: 0 })).toEqual({ kind: 'wait', until: 2000 });
    const batch = readyBatch(partitions, 2000, { batchSize: 10, maximumBatchingWindowMs: 0 });
    if (batch.kind !== 'invoke') throw new Error(`expected an invocation, got ${batch.kind}`);
    expect(batch.parts.map((p) => [p.state.key, p.records.length])).toEqual([[p1.key, 2]]);
  });

  it('is idle with nothing buffered', () => {
    expect(readyBatch(table(0, 0).partitions, 0, { batchSize: 1, maximumBatchingWindowMs: 0 })).toEqual({ kind: 'idle' });
  });

  it('shows the batcher each partition as it is', () => {
    const { partitions, p1 } = table(2, 0, 40);
    p1.retry = { retries: 2, invocations: 3, limit: 1 };
    expect(partitionViews(partitions.values(), 99)).toEqual([
      {
        key: 'orders-0',
        available: 2,
        limit: Number.POSITIVE_INFINITY,
        oldestArrivedAt: 40,
        inFlight: false,
        notBefore: 0,
        retrying: false,
      },
      { key: 'orders-1', available: 0, limit: 1, oldestArrivedAt: 99, inFlight: false, notBefore: 0, retrying: true },
    ]);
  });
});

describe('scheduling: expiredRecords', () => {
  it('finds the leading records older than the maximum age on partitions not in flight', () => {
    const { partitions, p0, p1 } = table(0, 0);
    p0.buffer.push(
      record('orders', 0, 0, { timestamp: 1000n }),
      record('orders', 0, 1, { timestamp: 5000n }),
      record('orders', 0, 2, { timestamp: 1500n }),
    );
    p1.buffer.push(record('orders', 1, 7, { timestamp: 1000n }));
    p1.inFlight = true;
    const expired = expiredRecords(partitions.values(), 62_000, 60);
    expect(expired.map((e) => [e.state.key, e.records.map((r) => Number(r.offset))])).toEqual([[p0.key, [0]]]);
  });

  it('finds nothing when records never expire', () => {
    const { partitions } = table(3, 0);
    expect(expiredRecords(partitions.values(), Number.MAX_SAFE_INTEGER, -1)).toEqual([]);
  });
});

describe('scheduling: skippedCommits', () => {
  it('commits past filtered records only on idle partitions with an empty buffer and something new to commit', () => {
    const { partitions, p0, p1 } = table(0, 1);
    const p2 = partitions.ensure('orders', 2);
    const p3 = partitions.ensure('orders', 3);
    p0.skippedTo = 10n; // idle, empty: commit
    p1.skippedTo = 10n; // records left to process: they commit it
    p2.skippedTo = 10n;
    p2.committed = 10n; // already committed
    p3.skippedTo = 4n;
    p3.inFlight = true; // owned by other work
    expect(skippedCommits(partitions.values()).map((c) => [c.state.key, c.to])).toEqual([[p0.key, 10n]]);
  });
});
