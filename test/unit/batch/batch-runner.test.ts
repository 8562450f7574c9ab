import { describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetterSink } from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createBatchRunner } from '../../../lambdas/core/batch/batch-runner.js';
import type { SinkEngine } from '../../../lambdas/core/batch/engine.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { kafkaRecord } from '../../kit/index.js';

const record = (partition: number, offset: number): KafkaRecord =>
  kafkaRecord({
    partition,
    offset: String(offset),
    timestamp: 1_700_000_000_000 + offset,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from('{}'),
  });

type Verdict = 'written' | 'dead-lettered' | 'failed';

/** An engine whose verdict per record and attempt is scripted by offset. */
function scriptedEngine(script: (record: KafkaRecord, attempt: number) => Verdict): SinkEngine & { calls: number } {
  const attempts = new Map<KafkaRecord, number>();
  const engine = {
    calls: 0,
    tables: ['shop.orders'],
    process(records: readonly KafkaRecord[]): Promise<RecordOutcome[]> {
      engine.calls += 1;
      return Promise.resolve(
        records.map((r): RecordOutcome => {
          const attempt = (attempts.get(r) ?? 0) + 1;
          attempts.set(r, attempt);
          const verdict = script(r, attempt);
          if (verdict === 'written') return { record: r, status: 'written' };
          if (verdict === 'dead-lettered')
            return { record: r, status: 'dead-lettered', error: new PoisonRecordError(`bad ${r.offset}`), tables: ['shop.orders'] };
          return { record: r, status: 'failed', error: new TransientError(`timeout ${r.offset}`) };
        }),
      );
    },
  };
  return engine;
}

function recordingSink(fail = false): DeadLetterSink & { letters: DeadLetter[] } {
  const sink = {
    letters: [] as DeadLetter[],
    send(letters: readonly DeadLetter[]): Promise<void> {
      if (fail) return Promise.reject(new TransientError('sqs unavailable'));
      sink.letters.push(...letters);
      return Promise.resolve();
    },
  };
  return sink;
}

const noSleep = (): Promise<void> => Promise.resolve();
const farDeadline = { deadlineMs: Number.MAX_SAFE_INTEGER };

describe('batch runner', () => {
  it('writes good records, dead-letters poison ones, and reports none as failed', async () => {
    const sink = recordingSink();
    const run = createBatchRunner({
      engine: scriptedEngine((r) => (r.offset === '2' ? 'dead-lettered' : 'written')),
      deadLetters: sink,
      sleep: noSleep,
    });
    const outcomes = await run([record(0, 1), record(0, 2), record(0, 3)], farDeadline);
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'dead-lettered', 'written']);
    expect(sink.letters.map((l) => [l.record.offset, l.error.kind, l.error.message, l.targetTables])).toEqual([
      ['2', 'poison', 'bad 2', ['shop.orders']],
    ]);
  });

  it('retries transient failures within the invocation until they succeed', async () => {
    const engine = scriptedEngine((r, attempt) => (r.offset === '5' && attempt < 3 ? 'failed' : 'written'));
    const delays: number[] = [];
    const run = createBatchRunner({
      engine,
      deadLetters: recordingSink(),
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });
    const outcomes = await run([record(0, 4), record(0, 5)], farDeadline);
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written']);
    expect(engine.calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('gives up after maxAttempts and reports the record as failed', async () => {
    const engine = scriptedEngine(() => 'failed');
    const run = createBatchRunner({
      engine,
      deadLetters: recordingSink(),
      sleep: noSleep,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const outcomes = await run([record(1, 9)], farDeadline);
    expect(outcomes[0]?.status).toBe('failed');
    expect(engine.calls).toBe(2);
  });

  it('does not wait for a retry that would end after the deadline', async () => {
    const engine = scriptedEngine(() => 'failed');
    let clock = 1_000;
    const run = createBatchRunner({
      engine,
      deadLetters: recordingSink(),
      now: () => clock,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
    });
    await run([record(0, 1)], { deadlineMs: 1_150 });
    expect(engine.calls).toBe(2); // first try, one retry after 100 ms; the next (200 ms) would pass the deadline
  });

  it('leaves a poison record behind a failing one in its partition for redelivery, not the queue', async () => {
    const sink = recordingSink();
    const engine = scriptedEngine((r) =>
      r.partition === 0 && r.offset === '1' ? 'failed' : r.offset === '2' ? 'dead-lettered' : 'written',
    );
    const run = createBatchRunner({ engine, deadLetters: sink, sleep: noSleep, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const outcomes = await run([record(0, 1), record(0, 2), record(1, 2)], farDeadline);
    expect(outcomes.map((o) => `${o.record.partition}@${o.record.offset}:${o.status}`)).toEqual([
      '0@1:failed',
      '0@2:failed',
      '1@2:dead-lettered',
    ]);
    expect(sink.letters.map((l) => `${l.record.partition}@${l.record.offset}`)).toEqual(['1@2']);
  });

  it('turns dead letters into failures when the queue cannot take them (never a drop)', async () => {
    const run = createBatchRunner({ engine: scriptedEngine(() => 'dead-lettered'), deadLetters: recordingSink(true), sleep: noSleep });
    const outcomes = await run([record(0, 1), record(0, 2)], farDeadline);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(outcomes[0]?.status === 'failed' && outcomes[0].error.message).toBe('sqs unavailable');
  });

  it('carries the delivery attempt into the dead letter', async () => {
    const sink = recordingSink();
    const run = createBatchRunner({ engine: scriptedEngine(() => 'dead-lettered'), deadLetters: sink, sleep: noSleep, attemptOf: () => 3 });
    await run([record(0, 1)], farDeadline);
    expect(sink.letters[0]?.attempt).toBe(3);
  });
});
