import { describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetterSink } from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError, SystemicFailureError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createBatchRunner } from '../../../lambdas/core/batch/batch-runner.js';
import { createBrake, type BrakeSettings, type PoisonCandidate } from '../../../lambdas/core/batch/brake.js';
import type { SinkEngine } from '../../../lambdas/core/batch/engine.js';
import { failureDetails } from '../../../lambdas/core/batch/failure-signature.js';
import { summarizeHalts } from '../../../lambdas/core/batch/halts.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { kafkaRecord } from '../../kit/index.js';

const record = (partition: number, offset: number, topic = 'orders'): KafkaRecord =>
  kafkaRecord({
    topic,
    partition,
    offset: String(offset),
    timestamp: 1_700_000_000_000 + offset,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from('{}'),
  });
const records = (count: number, partition = 0, from = 0): KafkaRecord[] =>
  Array.from({ length: count }, (_, i) => record(partition, from + i));

/** The error the converter throws for a wrong-type value, wrapped as the mapper and the writer wrap it. */
const wrongType = (r: KafkaRecord, value = `v${r.offset}`): PoisonRecordError =>
  new PoisonRecordError(`orders/${r.partition}@${r.offset} → shop.orders: column "qty" (int): cannot convert "${value}" — not an integer`, {
    cause: new PoisonRecordError(`column "qty" (int): cannot convert "${value}" — not an integer`, {
      details: { column: 'qty', reason: 'cannot convert to int' },
    }),
  });
const badJson = (r: KafkaRecord): PoisonRecordError =>
  new PoisonRecordError(
    `orders/${r.partition}@${r.offset} → shop.orders: value is not valid JSON (Unexpected token 'x', "x${r.offset}" is not valid JSON): "x${r.offset}"`,
  );

const settings: BrakeSettings = { enabled: true, minRecords: 10, minShare: 0.5, rememberSeconds: 900 };
const tablesOf = (topic: string): string[] => (topic === 'orders' ? ['shop.orders'] : ['shop.other']);
const candidate = (r: KafkaRecord, error: Error, tables = ['shop.orders']): PoisonCandidate => ({ record: r, tables, error });

describe('failure signature', () => {
  it('takes column and reason from the innermost details, whatever the value', () => {
    const [a, b] = records(2);
    expect(failureDetails(wrongType(a as KafkaRecord, 'abc'))).toEqual({ column: 'qty', reason: 'cannot convert to int' });
    expect(failureDetails(wrongType(b as KafkaRecord, 'xyz'))).toEqual(failureDetails(wrongType(a as KafkaRecord, 'abc')));
  });

  it('without details, masks the values and the record location so two records failing alike match', () => {
    const [a, b] = records(2, 3, 100);
    const one = failureDetails(badJson(a as KafkaRecord));
    expect(one).toEqual(failureDetails(badJson(b as KafkaRecord)));
    expect(one.reason).not.toContain('100');
    expect(one.reason).toContain('is not valid JSON');
    const missing = failureDetails(
      new PoisonRecordError('orders/0@7 → shop.orders: column "id" (primary key) from value.id is missing from the record'),
    );
    expect(missing).toEqual({ column: 'id', reason: 'column "id" (primary key) from value.id is missing from the record' });
  });
});

describe('brake', () => {
  it('holds a failure shared by at least minRecords records and minShare of the table', () => {
    const brake = createBrake({ settings, tablesOf });
    const batch = records(20);
    const { held } = brake.review(
      batch,
      batch.slice(0, 12).map((r) => candidate(r, wrongType(r))),
    );
    expect(held.size).toBe(12);
    const error = held.get(batch[0] as KafkaRecord) as SystemicFailureError;
    expect(error).toBeInstanceOf(SystemicFailureError);
    expect(error.kind).toBe('transient');
    expect(error.halt).toMatchObject({
      table: 'shop.orders',
      column: 'qty',
      reason: 'cannot convert to int',
      records: 12,
      ofRecords: 20,
      example: { topic: 'orders', partition: 0, offset: '0' },
    });
    expect(error.message).toContain('halted');
    expect(error.message).toContain('column "qty"');
    expect(error.message).toContain('orders/0@0');
  });

  it('leaves isolated poison alone: 1 in 50 over 500 records, and a share below minShare', () => {
    const brake = createBrake({ settings, tablesOf });
    const batch = records(500);
    const poison = batch.filter((_, i) => i % 50 === 7).map((r) => candidate(r, wrongType(r)));
    expect(brake.review(batch, poison).held.size).toBe(0);
    const small = records(30);
    expect(
      brake.review(
        small,
        small.slice(0, 14).map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(0);
  });

  it('needs minRecords: a batch of 9 all failing alike is isolated for a fresh brake', () => {
    const brake = createBrake({ settings, tablesOf });
    const batch = records(9);
    expect(
      brake.review(
        batch,
        batch.map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(0);
  });

  it('holds every record of a table failing, whatever their signatures', () => {
    const brake = createBrake({ settings, tablesOf });
    const batch = records(12);
    const poison = batch.map((r, i) => candidate(r, i % 2 === 0 ? wrongType(r) : badJson(r)));
    expect(brake.review(batch, poison).held.size).toBe(12);
  });

  it('counts per table: a table fed by another topic does not dilute the share', () => {
    const brake = createBrake({ settings, tablesOf });
    const batch = [...records(10), ...Array.from({ length: 90 }, (_, i) => record(0, i, 'other'))];
    expect(
      brake.review(
        batch,
        batch.slice(0, 10).map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(10);
  });

  it('remembers a systemic signature, so bisected halves and single records with it are held', () => {
    let now = 0;
    const brake = createBrake({ settings, tablesOf, now: () => now });
    const batch = records(100);
    expect(
      brake.review(
        batch,
        batch.map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(100);
    for (const size of [50, 25, 12, 6, 3, 1]) {
      const half = batch.slice(0, size);
      now += 1_000;
      expect(
        brake.review(
          half,
          half.map((r) => candidate(r, wrongType(r))),
        ).held.size,
      ).toBe(size);
    }
    // Another signature in a small batch is still isolated.
    const other = records(1, 0, 200);
    expect(
      brake.review(
        other,
        other.map((r) => candidate(r, badJson(r))),
      ).held.size,
    ).toBe(0);
  });

  it('forgets after rememberSeconds, and when a batch big enough to judge writes the table without the failure', () => {
    let now = 0;
    const brake = createBrake({ settings, tablesOf, now: () => now });
    const batch = records(20);
    brake.review(
      batch,
      batch.map((r) => candidate(r, wrongType(r))),
    );
    now += 901_000;
    const one = records(1);
    expect(
      brake.review(
        one,
        one.map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(0);

    brake.review(
      batch,
      batch.map((r) => candidate(r, wrongType(r))),
    );
    const fixed = records(10, 0, 100);
    expect(brake.review(fixed, []).held.size).toBe(0);
    expect(
      brake.review(
        one,
        one.map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(0);
  });

  it('does nothing when disabled', () => {
    const brake = createBrake({ settings: { ...settings, enabled: false }, tablesOf });
    const batch = records(100);
    expect(
      brake.review(
        batch,
        batch.map((r) => candidate(r, wrongType(r))),
      ).held.size,
    ).toBe(0);
  });
});

function poisonEngine(isPoison: (record: KafkaRecord) => PoisonRecordError | undefined): SinkEngine {
  return {
    tables: ['shop.orders'],
    process: (batch) =>
      Promise.resolve(
        batch.map((r): RecordOutcome => {
          const error = isPoison(r);
          return error === undefined
            ? { record: r, status: 'written' }
            : { record: r, status: 'dead-lettered', error, tables: ['shop.orders'] };
        }),
      ),
  };
}

function recordingSink(): DeadLetterSink & { letters: DeadLetter[] } {
  const sink = {
    letters: [] as DeadLetter[],
    send: (letters: readonly DeadLetter[]) => (sink.letters.push(...letters), Promise.resolve()),
  };
  return sink;
}

describe('batch runner with the brake', () => {
  it('dead-letters nothing on a systemic failure: the held records and every record behind them fail, from the lowest failed offset', async () => {
    const sink = recordingSink();
    const sleeps: number[] = [];
    const run = createBatchRunner({
      engine: poisonEngine((r) => (Number(r.offset) >= 3 ? wrongType(r) : Number(r.offset) === 1 ? badJson(r) : undefined)),
      deadLetters: sink,
      brake: createBrake({ settings, tablesOf }),
      holdMs: 250,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    });
    const outcomes = await run(records(30), { deadlineMs: Number.MAX_SAFE_INTEGER });
    expect(outcomes.slice(0, 4).map((o) => o.status)).toEqual(['written', 'dead-lettered', 'written', 'failed']);
    expect(outcomes.slice(3).every((o) => o.status === 'failed' && o.error instanceof SystemicFailureError)).toBe(true);
    expect(sink.letters.map((letter) => letter.record.offset)).toEqual(['1']);
    expect(sleeps).toEqual([250]);
    const halts = summarizeHalts(outcomes);
    expect(halts).toHaveLength(1);
    expect([...(halts[0]?.heldByTopic ?? [])]).toEqual([['orders', 27]]);
  });

  it('an isolated poison record behind a held one waits for it (dead-lettered only once the halt is over)', async () => {
    const sink = recordingSink();
    const brake = createBrake({ settings, tablesOf });
    let fixed = false;
    const run = createBatchRunner({
      engine: poisonEngine((r) => (r.offset === '25' ? badJson(r) : fixed ? undefined : wrongType(r))),
      deadLetters: sink,
      brake,
    });
    const batch = records(50);
    const halted = await run(batch, { deadlineMs: Number.MAX_SAFE_INTEGER });
    expect(halted.every((o) => o.status === 'failed')).toBe(true);
    expect(sink.letters).toHaveLength(0);
    fixed = true;
    const after = await run(batch, { deadlineMs: Number.MAX_SAFE_INTEGER });
    expect(after.filter((o) => o.status === 'written')).toHaveLength(49);
    expect(sink.letters.map((letter) => letter.record.offset)).toEqual(['25']);
  });

  it('does not wait past the deadline', async () => {
    const sleeps: number[] = [];
    const run = createBatchRunner({
      engine: poisonEngine((r) => wrongType(r)),
      deadLetters: recordingSink(),
      brake: createBrake({ settings, tablesOf }),
      holdMs: 60_000,
      now: () => 1_000,
      sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    });
    await run(records(20), { deadlineMs: 1_500 });
    expect(sleeps).toEqual([500]);
  });
});
