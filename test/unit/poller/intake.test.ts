import { EventEmitter } from 'node:events';
import type { Message, MessagesStream } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { createRecordFilter, NO_FILTER, type RecordFilter } from '../../../lambdas/core/filter/index.js';
import { Intake } from '../../../local/poller/intake.js';
import { PartitionTable } from '../../../local/poller/partitions.js';
import { PollerStatsBook } from '../../../local/poller/stats.js';

/** The part of a messages stream intake uses: data events, pause/resume and the fetch positions. */
class FakeStream extends EventEmitter {
  paused = 0;
  resumed = 0;
  readonly offsetsToFetch = new Map<string, bigint>();
  pause(): void {
    this.paused++;
  }
  resume(): void {
    this.resumed++;
  }
}

const message = (partition: number, offset: number, value = '{"keep":true}'): Message =>
  ({
    topic: 'orders',
    partition,
    offset: BigInt(offset),
    timestamp: 1000n,
    key: Buffer.from('k'),
    value: Buffer.from(value),
    headerEntries: [[Buffer.from('h'), undefined]],
    leaderEpoch: 2,
  }) as unknown as Message;

function setup(options: { maxBuffered?: number; filter?: RecordFilter } = {}) {
  const partitions = new PartitionTable();
  const book = new PollerStatsBook();
  const assigned = new Set([0, 1]);
  let arrivals = 0;
  const intake = new Intake({
    partitions,
    filter: options.filter ?? NO_FILTER,
    maxBuffered: options.maxBuffered ?? 1000,
    counters: book.counters,
    isRunning: () => true,
    isAssigned: (_topic, partition) => assigned.has(partition),
    onArrival: () => {
      arrivals++;
    },
    warn: (error) => {
      throw error;
    },
  });
  const stream = new FakeStream();
  intake.attach(stream as unknown as MessagesStream<Buffer, Buffer, Buffer, Buffer>);
  return { intake, partitions, book, assigned, stream, arrivals: () => arrivals };
}

describe('intake', () => {
  it('buffers fetched records per partition as the event needs them, and asks for scheduling', () => {
    const { intake, partitions, stream, arrivals } = setup();
    stream.emit('data', message(0, 5));
    stream.emit('data', message(1, 9));
    const p0 = partitions.get('orders-0');
    expect(p0?.buffer).toMatchObject([
      {
        topic: 'orders',
        partition: 0,
        offset: 5n,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('k'),
        headers: [['h', null]],
        leaderEpoch: 2,
      },
    ]);
    expect(p0?.nextFetch).toBe(6n);
    expect(partitions.get('orders-1')?.buffer.map((r) => r.offset)).toEqual([9n]);
    expect(intake.buffered).toBe(2);
    expect(arrivals()).toBe(2);
  });

  it('ignores refetched offsets and partitions this member does not own', () => {
    const { intake, partitions, stream } = setup();
    stream.emit('data', message(0, 5));
    stream.emit('data', message(0, 4));
    stream.emit('data', message(0, 5));
    stream.emit('data', message(2, 1));
    expect(partitions.get('orders-0')?.buffer.map((r) => r.offset)).toEqual([5n]);
    expect(partitions.get('orders-2')).toBeUndefined();
    expect(intake.buffered).toBe(1);
  });

  it('counts a filtered record and remembers its offset for a commit instead of buffering it', () => {
    const filter = createRecordFilter([{ value: { keep: [true] } }], 'test');
    const { intake, partitions, book, stream } = setup({ filter });
    stream.emit('data', message(0, 2, '{"keep":true}'));
    stream.emit('data', message(0, 3, '{"keep":false}'));
    expect(partitions.get('orders-0')?.buffer.map((r) => r.offset)).toEqual([2n]);
    expect(partitions.get('orders-0')?.skippedTo).toBe(4n);
    expect(book.counters.recordsFiltered).toBe(1);
    expect(intake.buffered).toBe(1);
  });

  it('pauses the stream at the record budget and resumes it below half of it', () => {
    const { intake, stream } = setup({ maxBuffered: 4 });
    for (let offset = 0; offset < 4; offset++) stream.emit('data', message(0, offset));
    expect(stream.paused).toBe(1);
    intake.released(1);
    expect(stream.resumed).toBe(0);
    intake.released(2);
    expect(stream.resumed).toBe(1);
    expect(intake.buffered).toBe(1);
  });

  it('drops a revoked partition, its records and its fetch position after a rebalance', () => {
    const { intake, partitions, assigned, stream } = setup();
    stream.emit('data', message(0, 1));
    stream.emit('data', message(1, 1));
    stream.offsetsToFetch.set('orders:1', 2n);
    assigned.delete(1);
    intake.dropRevoked();
    expect(partitions.get('orders-1')).toBeUndefined();
    expect(partitions.get('orders-0')?.buffer).toHaveLength(1);
    expect(stream.offsetsToFetch.has('orders:1')).toBe(false);
    expect(intake.buffered).toBe(1);
  });
});
