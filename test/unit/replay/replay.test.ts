import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deadLetterFor, encodeDeadLetter } from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError, SystemicFailureError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createReplay, type Replay } from '../../../lambdas/core/replay/replay.js';
import type { RunOptions } from '../../../lambdas/core/batch/batch-runner.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { createReplayHandler } from '../../../lambdas/replay/create-handler.js';
import { fakeReplayPorts } from './fake-ports.js';

const record = (offset: number, topic = 'orders'): KafkaRecord => ({
  topic,
  partition: 0,
  offset: String(offset),
  timestamp: 1_770_000_000_000 + offset,
  timestampType: 'CREATE_TIME',
  key: Buffer.from(`k${String(offset)}`),
  value: Buffer.from(JSON.stringify({ n: offset })),
  headers: [],
});

const deadLetterBody = (offset: number, attempt: number): string =>
  JSON.stringify(
    encodeDeadLetter(deadLetterFor(record(offset), ['ks.orders'], new PoisonRecordError('bad value'), attempt), {
      functionName: 'sink',
      functionVersion: '1',
    }),
  );

const onFailure = (first: number, last: number): string =>
  JSON.stringify({
    KafkaBatchInfo: { batchSize: 2, recordsInfo: { 'orders-0': { firstRecordOffset: String(first), lastRecordOffset: String(last) } } },
  });

const run: RunOptions = { deadlineMs: 1_770_000_060_000 };

describe('core replay of dead letters', () => {
  it('writes each dead letter with its next attempt number, never dead-lettering it again', async () => {
    const ports = fakeReplayPorts();
    const failed = await createReplay(ports).replay(
      [
        { id: 'a', body: deadLetterBody(5, 1) },
        { id: 'b', body: deadLetterBody(6, 3) },
      ],
      run,
    );
    expect(failed).toEqual([]);
    expect(ports.rewritten.map(({ record: r, attempt }) => [r.offset, attempt])).toEqual([
      ['5', 2],
      ['6', 4],
    ]);
    expect(ports.rewritten[0]?.record.fromDeadLetter).toBe(true);
    expect(ports.written).toEqual([]);
    expect(ports.deadlines).toEqual([run.deadlineMs, run.deadlineMs]);
    // The dead-letter run's sink stores nothing: a still-poison message fails and returns to the queue by itself.
    await expect(ports.runnerOptions[0]?.deadLetters.send([deadLetterFor(record(5), [], new Error('x'))])).resolves.toBeUndefined();
    expect(ports.logs.at(-1)).toEqual({ level: 'info', message: 'replay batch done', fields: { messages: 2, failed: 0 } });
  });

  it('reports the message of a dead letter that is still poison or failed, and logs why', async () => {
    const outcome = (r: KafkaRecord): RecordOutcome =>
      r.offset === '5'
        ? { record: r, status: 'dead-lettered', tables: ['ks.orders'], error: new PoisonRecordError('still bad') }
        : r.offset === '6'
          ? { record: r, status: 'failed', error: new TransientError('timeout') }
          : { record: r, status: 'written' };
    const ports = fakeReplayPorts({ outcome });
    const failed = await createReplay(ports).replay(
      [5, 6, 7].map((offset) => ({ id: `m${String(offset)}`, body: deadLetterBody(offset, 1) })),
      run,
    );
    expect(failed).toEqual(['m5', 'm6']);
    expect(ports.logs.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'replayed record dead-lettered',
        fields: { messageId: 'm5', topic: 'orders', partition: 0, offset: '5', error: 'still bad' },
      },
      {
        level: 'warn',
        message: 'replayed record failed',
        fields: { messageId: 'm6', topic: 'orders', partition: 0, offset: '6', error: 'timeout' },
      },
    ]);
    expect(ports.logs.at(-1)?.fields).toEqual({ messages: 3, failed: 2 });
  });

  it('reports a message that is neither a dead letter nor an on-failure message, and one that cannot be read', async () => {
    const ports = fakeReplayPorts();
    const unreadable = { ...ports, deadLetters: { read: () => Promise.reject(new TransientError('s3 is down')) } };
    expect(
      await createReplay(ports).replay(
        [
          { id: 'text', body: 'not json' },
          { id: 'other', body: '{"hello":1}' },
        ],
        run,
      ),
    ).toEqual(['text', 'other']);
    expect(ports.logs.filter((line) => line.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'replay message could not be read',
        fields: { messageId: 'text', kind: 'poison', error: 'message text is not JSON' },
      },
      {
        level: 'error',
        message: 'replay message could not be read',
        fields: {
          messageId: 'other',
          kind: 'poison',
          error: expect.stringContaining('not a kafka-cql-sink dead-letter message') as unknown,
        },
      },
    ]);
    expect(await createReplay(unreadable).replay([{ id: 'pointer', body: deadLetterBody(5, 1) }], run)).toEqual(['pointer']);
    expect(ports.logs.at(-2)).toEqual({
      level: 'error',
      message: 'replay message could not be read',
      fields: { messageId: 'pointer', kind: 'transient', error: 's3 is down' },
    });
    expect(ports.written).toEqual([]);
    expect(ports.rewritten).toEqual([]);
  });
});

describe('core replay of on-failure messages', () => {
  it('re-reads the range from Kafka and runs it as a fresh batch: dead-lettered records are done, failed ones fail the message', async () => {
    const outcome = (r: KafkaRecord): RecordOutcome =>
      r.offset === '11'
        ? { record: r, status: 'dead-lettered', tables: [], error: new PoisonRecordError('bad') }
        : { record: r, status: 'written' };
    const ports = fakeReplayPorts({ refetch: () => Promise.resolve({ records: [record(10), record(11)], missing: [] }), outcome });
    expect(await createReplay(ports).replay([{ id: 'f', body: onFailure(10, 11) }], run)).toEqual([]);
    expect(ports.written.map((r) => r.offset)).toEqual(['10', '11']);
    expect(ports.rewritten).toEqual([]);

    const failing = fakeReplayPorts({
      refetch: () => Promise.resolve({ records: [record(10)], missing: [] }),
      outcome: (r) => ({ record: r, status: 'failed', error: new TransientError('down') }),
    });
    expect(await createReplay(failing).replay([{ id: 'f', body: onFailure(10, 10) }], run)).toEqual(['f']);
  });

  it('logs the offsets Kafka no longer has, and writes what is left', async () => {
    const missing = [{ topic: 'orders', partition: 0, firstOffset: '10', lastOffset: '10' }];
    const ports = fakeReplayPorts({ refetch: () => Promise.resolve({ records: [record(11)], missing }) });
    expect(await createReplay(ports).replay([{ id: 'f', body: onFailure(10, 11) }], run)).toEqual([]);
    expect(ports.logs).toContainEqual({
      level: 'error',
      message: 'records of an on-failure batch are no longer in Kafka',
      fields: { messageId: 'f', missing },
    });
    expect(ports.written.map((r) => r.offset)).toEqual(['11']);
  });

  it('fails the message when Kafka cannot be read', async () => {
    const ports = fakeReplayPorts({ refetch: () => Promise.reject(new TransientError('no brokers')) });
    expect(await createReplay(ports).replay([{ id: 'f', body: onFailure(10, 11) }], run)).toEqual(['f']);
    expect(ports.logs[0]).toEqual({
      level: 'error',
      message: 'replay message could not be read',
      fields: { messageId: 'f', kind: 'transient', error: 'no brokers' },
    });
  });

  it('logs and publishes a halt once per systemic failure, and keeps the held messages in the queue', async () => {
    const halt = new SystemicFailureError('table gone', {
      table: 'ks.orders',
      column: undefined,
      reason: 'missing table',
      records: 2,
      ofRecords: 2,
      rule: 'all',
      example: { topic: 'orders', partition: 0, offset: '10' },
    });
    const ports = fakeReplayPorts({
      refetch: () => Promise.resolve({ records: [record(10), record(11)], missing: [] }),
      outcome: (r) => ({ record: r, status: 'failed', error: halt }),
    });
    expect(await createReplay(ports).replay([{ id: 'f', body: onFailure(10, 11) }], run)).toEqual(['f']);
    expect(ports.halts).toEqual([[{ topic: 'orders', table: 'ks.orders', heldRecords: 2 }]]);
    const halted = ports.logs.filter((line) => line.message.startsWith('replay halted'));
    expect(halted).toHaveLength(1);
    expect(halted[0]?.fields).toMatchObject({ table: 'ks.orders', reason: 'missing table', heldRecords: 2 });
  });

  it('publishes no held records when nothing halted', async () => {
    const ports = fakeReplayPorts();
    await createReplay(ports).replay([{ id: 'a', body: deadLetterBody(5, 1) }], run);
    expect(ports.halts).toEqual([[]]);
  });
});

describe('the replay handler (glue)', () => {
  it('hands the SQS messages and the deadline less the margin to the core, and answers with its failed ids', async () => {
    const asked: { ids: string[]; bodies: string[]; deadlineMs: number }[] = [];
    const replay: Replay = {
      replay: (messages, { deadlineMs }) => {
        asked.push({ ids: messages.map((m) => m.id), bodies: messages.map((m) => m.body), deadlineMs });
        return Promise.resolve(['m1']);
      },
    };
    const event = {
      Records: [
        { messageId: 'm0', body: 'a' },
        { messageId: 'm1', body: 'b' },
      ],
    } as unknown as SQSEvent;
    const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'replay', awsRequestId: 'r' } as unknown as Context;
    const before = Date.now();
    expect(await createReplayHandler(replay, { stopWritesBeforeDeadlineMs: 5_000 })(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm1' }],
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.ids).toEqual(['m0', 'm1']);
    expect(asked[0]?.bodies).toEqual(['a', 'b']);
    expect(asked[0]?.deadlineMs).toBeGreaterThanOrEqual(before + 55_000);
    expect(asked[0]?.deadlineMs).toBeLessThanOrEqual(Date.now() + 55_000);
  });
});
