import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Committer } from '../../../local/poller/commit.js';
import { Discarder } from '../../../local/poller/discard.js';
import type { InvocationReport, PollerEvents } from '../../../local/poller/events.js';
import { Invoker } from '../../../local/poller/invocation.js';
import { resolvePollerSettings } from '../../../local/poller/options.js';
import { PartitionTable, type BufferedRecord, type PartitionState } from '../../../local/poller/partitions.js';
import { PollerStatsBook } from '../../../local/poller/stats.js';
import type { KafkaHandler, MskEvent, OnFailureInvocationRecord } from '../../../local/poller/types.js';

const record = (partition: number, offset: number): BufferedRecord => ({
  topic: 'orders',
  partition,
  offset: BigInt(offset),
  timestamp: 1000n,
  timestampType: 'CREATE_TIME',
  key: null,
  value: Buffer.from('v'),
  headers: [],
  leaderEpoch: 0,
  arrivedAt: 0,
});

/** The invocation unit with the commit and discard units, positions kept in memory (no consumer). */
function setup(handler: KafkaHandler, overrides: { maximumRetryAttempts?: number } = {}) {
  const onFailure: OnFailureInvocationRecord[] = [];
  const destination = (r: OnFailureInvocationRecord): Promise<void> => {
    onFailure.push(r);
    return Promise.resolve();
  };
  const settings = resolvePollerSettings({
    bootstrapServers: ['k:9092'],
    topics: ['orders'],
    groupId: 'g',
    handler,
    timeoutMs: 5000,
    maximumRetryAttempts: overrides.maximumRetryAttempts ?? 2,
    retryBackoff: { initialMs: 100, maxMs: 1000, multiplier: 2 },
    onFailure: destination,
  });
  const partitions = new PartitionTable();
  const events = new EventEmitter<PollerEvents>();
  const reports: InvocationReport[] = [];
  events.on('invocation', (r) => reports.push(r));
  const stats = new PollerStatsBook();
  const warn = (error: unknown) => {
    throw error;
  };
  const committer = new Committer({ consumer: () => undefined, released: () => undefined, events, warn });
  const source = {
    fn: settings.fn,
    eventSourceKind: settings.eventSourceKind,
    eventSourceArn: settings.eventSourceArn,
    bootstrapServers: ['k:9092'],
  };
  const discarder = new Discarder({
    ...source,
    groupId: 'g',
    onFailure: destination,
    retryAfterMs: 100,
    partitions,
    committer,
    counters: stats.counters,
    events,
    warn,
  });
  const invoker = new Invoker({
    ...source,
    handler,
    tombstones: 'omit',
    reportBatchItemFailures: true,
    retry: settings.retry,
    partitions,
    committer,
    discarder,
    stats,
    events,
    connected: () => true,
  });
  const p0 = partitions.ensure('orders', 0);
  const p1 = partitions.ensure('orders', 1);
  p0.buffer.push(record(0, 10), record(0, 11), record(0, 12));
  p1.buffer.push(record(1, 20), record(1, 21));
  const parts = (...states: PartitionState[]) => states.map((state) => ({ state, records: [...state.buffer] }));
  return { invoker, p0, p1, parts, reports, stats, onFailure };
}

describe('invocation', () => {
  it('sends the batch as one MSK event and commits every partition on success', async () => {
    const events: MskEvent[] = [];
    const { invoker, p0, p1, parts, reports, stats } = setup((event) => {
      events.push(event);
      return Promise.resolve(undefined);
    });
    await invoker.run('req-1', parts(p0, p1), { abandoned: false });
    expect(Object.keys(events[0]?.records ?? {})).toEqual(['orders-0', 'orders-1']);
    expect([p0.committed, p1.committed]).toEqual([13n, 22n]);
    expect([p0.buffer, p1.buffer]).toEqual([[], []]);
    expect(reports).toMatchObject([{ requestId: 'req-1', records: 5, partitions: ['orders-0', 'orders-1'], outcome: 'success' }]);
    expect(stats.counters).toMatchObject({ invocations: 1, recordsDelivered: 5, recordsProcessed: 5 });
  });

  it('on a partial batch response commits up to the failed record and retries from it after a backoff', async () => {
    const { invoker, p0, p1, parts, reports, stats } = setup(() =>
      Promise.resolve({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 11 } }] }),
    );
    await invoker.run('req-2', parts(p0, p1), { abandoned: false });
    expect(p0.committed).toBe(11n);
    expect(p0.buffer.map((r) => r.offset)).toEqual([11n, 12n]);
    expect(p0.retry).toEqual({ retries: 1, invocations: 1, limit: 2 });
    expect(p0.notBefore).toBeGreaterThan(0);
    expect(p0.lastRequestId).toBe('req-2');
    expect(p1.committed).toBe(22n);
    expect(reports[0]?.outcome).toBe('partial');
    expect(stats.counters).toMatchObject({ partialFailures: 1, recordsProcessed: 3 });
  });

  it('on a failed invocation commits nothing, and discards to the on-failure destination once retries are exhausted', async () => {
    const { invoker, p0, parts, reports, onFailure, stats } = setup(() => Promise.reject(new Error('boom')), { maximumRetryAttempts: 0 });
    await invoker.run('req-3', parts(p0), { abandoned: false });
    expect(reports).toMatchObject([{ outcome: 'failure', reason: 'function error: Error: boom' }]);
    expect(onFailure).toHaveLength(1);
    expect(onFailure[0]?.requestContext).toMatchObject({
      requestId: 'req-3',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 1,
    });
    expect(p0.committed).toBe(13n);
    expect(stats.counters).toMatchObject({ failedInvocations: 1, recordsDiscarded: 3, onFailureRecords: 1, recordsProcessed: 0 });
  });

  it('applies nothing once stop() has abandoned it', async () => {
    const { invoker, p0, parts, reports } = setup(() => Promise.resolve(undefined));
    await invoker.run('req-4', parts(p0), { abandoned: true });
    expect(p0.committed).toBeNull();
    expect(p0.buffer).toHaveLength(3);
    expect(reports).toEqual([]);
  });
});
