import { describe, expect, it } from 'vitest';
import { deadLetterFor, encodeDeadLetter } from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import {
  createDeadLetterReplayer,
  drainDeadLetterQueue,
  type DeadLetterReplayer,
  type ReplayResult,
} from '../../../lambdas/core/replay/dead-letter-replay.js';
import type { DeadLetterQueue, QueuedMessage } from '../../../lambdas/core/replay/ports.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { fakeReplayPorts } from './fake-ports.js';

const record = (offset: number, partition = 0): KafkaRecord => ({
  topic: 'orders',
  partition,
  offset: String(offset),
  timestamp: 1_770_000_000_000 + offset,
  timestampType: 'CREATE_TIME',
  key: Buffer.from(`k${String(offset)}`),
  value: Buffer.from('{}'),
  headers: [],
});
const letter = (offset: number, attempt = 1, partition = 0): string =>
  JSON.stringify(
    encodeDeadLetter(deadLetterFor(record(offset, partition), ['ks.orders'], new PoisonRecordError('bad'), attempt), {
      functionName: 'sink',
      functionVersion: '1',
    }),
  );

describe('the CLI’s dead-letter replay (core)', () => {
  it('writes dead letters in Kafka order with their next attempt, within two minutes, and reports each message', async () => {
    const outcome = (r: KafkaRecord): RecordOutcome =>
      r.offset === '2'
        ? { record: r, status: 'dead-lettered', tables: [], error: new PoisonRecordError('still bad') }
        : r.offset === '3'
          ? { record: r, status: 'failed', error: new TransientError('timeout') }
          : { record: r, status: 'written' };
    const ports = fakeReplayPorts({ outcome });
    const replayer = createDeadLetterReplayer({ writer: ports.writer, deadLetters: ports.deadLetters, now: () => 1_000 });
    const onFailure = JSON.stringify({
      KafkaBatchInfo: { batchSize: 1, recordsInfo: { 'orders-0': { firstRecordOffset: '1', lastRecordOffset: '1' } } },
    });
    const results = await replayer.replay([
      { id: 'c', body: letter(3, 2) },
      { id: 'a', body: letter(1, 1, 1) },
      { id: 'b', body: letter(2) },
      { id: 'o', body: onFailure },
      { id: 'x', body: 'not json' },
    ]);
    expect(results).toEqual([
      { id: 'c', location: 'orders-0@3', status: 'failed', error: 'timeout' },
      { id: 'a', location: 'orders-1@1', status: 'written' },
      { id: 'b', location: 'orders-0@2', status: 'still-poison', error: 'still bad' },
      {
        id: 'o',
        status: 'skipped',
        error: 'an event source on-failure message (offsets only): replay it with the replay function, which re-reads Kafka',
      },
      { id: 'x', status: 'unreadable', error: expect.stringContaining('dead-letter message is not JSON') as unknown },
    ]);
    expect(ports.rewritten.map(({ record: r, attempt }) => [r.partition, r.offset, attempt])).toEqual([
      [0, '2', 2],
      [0, '3', 3],
      [1, '1', 2],
    ]);
    expect(ports.deadlines).toEqual([121_000]);
    expect(ports.written).toEqual([]);
  });

  it('runs nothing when no message holds a dead letter', async () => {
    const ports = fakeReplayPorts();
    const replayer = createDeadLetterReplayer({ writer: ports.writer, deadLetters: ports.deadLetters });
    expect(await replayer.replay([{ id: 'x', body: '{}' }])).toEqual([
      { id: 'x', status: 'unreadable', error: expect.stringContaining('not a kafka-cql-sink dead-letter message') as unknown },
    ]);
    expect(ports.deadlines).toEqual([]);
  });
});

/** A queue of messages in memory, recording deletes and releases. */
function fakeQueue(bodies: readonly QueuedMessage[], options: { failDelete?: boolean; redeliver?: boolean } = {}) {
  const waiting = [...bodies];
  const received: QueuedMessage[] = [];
  const deleted: string[] = [];
  const released: string[] = [];
  const asked: number[] = [];
  const queue: DeadLetterQueue = {
    receive: (max) => {
      asked.push(max);
      const batch = waiting.splice(0, max);
      received.push(...batch);
      // A redelivering queue hands the first message back once more: a drain must not replay it twice.
      if (options.redeliver === true && batch.length === 0 && received[0] !== undefined && asked.length < 10)
        return Promise.resolve([received[0]]);
      return Promise.resolve(batch);
    },
    delete: (messages) => {
      if (options.failDelete === true) return Promise.reject(new Error('delete failed'));
      deleted.push(...messages.map((m) => m.id));
      return Promise.resolve();
    },
    release: (messages) => {
      released.push(...messages.map((m) => m.id));
      return Promise.resolve();
    },
  };
  return { queue, deleted, released, asked };
}

const replayerWriting = (written: (id: string) => boolean): DeadLetterReplayer & { calls: string[][] } => {
  const calls: string[][] = [];
  return {
    calls,
    replay: (items) => {
      calls.push(items.map((item) => item.id));
      return Promise.resolve(
        items.map((item): ReplayResult =>
          written(item.id) ? { id: item.id, status: 'written' } : { id: item.id, status: 'still-poison', error: 'bad' },
        ),
      );
    },
  };
};

describe('draining a dead-letter queue (core)', () => {
  const messages = Array.from({ length: 12 }, (_, i) => ({ id: `m${String(i)}`, body: String(i) }));

  it('replays 10 at a time, deletes only what was written, and releases the rest at the end', async () => {
    const { queue, deleted, released, asked } = fakeQueue(messages);
    const replayer = replayerWriting((id) => id !== 'm3' && id !== 'm11');
    const batches: number[] = [];
    const summary = await drainDeadLetterQueue(queue, replayer, { onBatch: (results) => batches.push(results.length) });
    expect(replayer.calls.map((ids) => ids.length)).toEqual([10, 2]);
    expect(asked).toEqual([10, 10, 10]);
    expect(deleted).toHaveLength(10);
    expect(deleted).not.toContain('m3');
    expect(released).toEqual(['m3', 'm11']);
    expect(batches).toEqual([10, 2]);
    expect(summary.written).toBe(10);
    expect(summary.notWritten).toBe(2);
  });

  it('stops after maxMessages and never replays a message twice in one drain', async () => {
    const limited = fakeQueue(messages);
    const summary = await drainDeadLetterQueue(
      limited.queue,
      replayerWriting(() => true),
      { maxMessages: 3 },
    );
    expect(limited.asked).toEqual([3]);
    expect(summary.results.map((r) => r.id)).toEqual(['m0', 'm1', 'm2']);

    const again = fakeQueue(messages.slice(0, 2), { redeliver: true });
    const replayer = replayerWriting(() => false);
    await drainDeadLetterQueue(again.queue, replayer);
    expect(replayer.calls).toEqual([['m0', 'm1']]);
    expect(again.released).toEqual(['m0', 'm1']);
  });

  it('releases what was not written when a delete fails, and says so', async () => {
    const { queue, released } = fakeQueue(messages.slice(0, 2), { failDelete: true });
    await expect(
      drainDeadLetterQueue(
        queue,
        replayerWriting((id) => id === 'm0'),
      ),
    ).rejects.toThrow('delete failed');
    expect(released).toEqual(['m1']);
  });
});
