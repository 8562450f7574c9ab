import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { PreparedStatement } from '../../../lambdas/core/cql/session.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import type { MappedRecord, RowWrite, WriteTarget } from '../../../lambdas/core/writer/row.js';
import { createWriter } from '../../../lambdas/core/writer/write.js';
import { FakeSession, kafkaRecord } from '../../kit/index.js';

const { unset } = types;
const insert: PreparedStatement = { cql: 'INSERT (k, a, b) USING TIMESTAMP ?', variables: [] };
const remove: PreparedStatement = { cql: 'DELETE USING TIMESTAMP ? WHERE k = ?', variables: [] };
const users: WriteTarget = { name: 'ks.users', consistency: 'LOCAL_ONE', idempotent: true, counter: false, serverTimestamps: false };
const hits: WriteTarget = { name: 'ks.hits', consistency: 'LOCAL_ONE', idempotent: false, counter: true, serverTimestamps: true };

/** What a test record asks: an upsert of `a`/`b` (undefined: unset), a row delete, or a counter increment. */
type Op =
  | { readonly key: string; readonly a?: string; readonly b?: string }
  | { readonly key: string; readonly del: true }
  | { readonly key: string; readonly inc: number };

interface TestRecord extends KafkaRecord {
  readonly op: Op;
}

function rec(offset: number, timestamp: number, op: Op, partition = 0, extra: Partial<KafkaRecord> = {}): TestRecord {
  return { ...kafkaRecord({ topic: 't', partition, offset: String(offset), timestamp }), op, ...extra };
}

/** Builds the rows the table planner would: the write time is the Kafka timestamp × 1000. */
function rowOf(record: KafkaRecord): RowWrite {
  const { op } = record as TestRecord;
  const time = BigInt(record.timestamp) * 1000n;
  if ('inc' in op) return { target: hits, statement: insert, values: [op.inc, op.key], partition: op.key, row: '' };
  if ('del' in op)
    return {
      target: users,
      statement: remove,
      values: [time, op.key],
      partition: op.key,
      row: '',
      timestampAt: 0,
      kafkaTimestamp: true,
      shape: { kind: 'delete-row' },
    };
  return {
    target: users,
    statement: insert,
    values: [op.key, op.a ?? unset, op.b ?? unset, time],
    partition: op.key,
    row: '',
    timestampAt: 3,
    kafkaTimestamp: true,
    shape: { kind: 'insert', columns: 3 },
  };
}

function writer(session: FakeSession) {
  return createWriter({
    session,
    mapper: (record): MappedRecord => ({ rows: [rowOf(record)], failures: [] }),
    maxConcurrentRequests: 4,
    maxNumberOfRecordsInBatch: 10,
  });
}

/** Every write sent, as "key:a:b@time" or "key:delete@time". */
function sent(session: FakeSession): string[] {
  return session.calls.flatMap((call) =>
    call.writes.map((w) => {
      const v = w.values;
      if (w.statement === remove) return `${String(v[1])}:delete@${String(v[0])}`;
      if (v.length === 2) return `${String(v[1])}+${String(v[0])}`;
      const show = (x: unknown): string => (x === unset ? '-' : String(x));
      return `${String(v[0])}:${show(v[1])}:${show(v[2])}@${String(v[3])}`;
    }),
  );
}

describe('write times within a millisecond', () => {
  it('keeps exactly timestamp × 1000 for a write alone in its row and millisecond', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([
      rec(10, 5, { key: 'x', a: '1' }),
      rec(11, 5, { key: 'y', a: '2' }),
      rec(12, 6, { key: 'x', b: '3' }),
    ]);
    expect(sent(session).sort()).toEqual(['x:-:3@6000', 'x:1:-@5000', 'y:2:-@5000']);
  });

  it('counts a row’s writes of one millisecond up from 0 in Kafka order, whatever order they come in', async () => {
    const session = new FakeSession();
    // Offsets across a multiple of 1,000 do not wrap; "r" (offset 1000, +2 µs) covers "p" (offset 998), which is not sent.
    await writer(session).writeRecords([
      rec(998, 7, { key: 'x', a: 'p' }),
      rec(1000, 7, { key: 'x', a: 'r' }),
      rec(999, 7, { key: 'x', b: 'q' }),
    ]);
    expect(sent(session).sort()).toEqual(['x:-:q@7001', 'x:r:-@7002']);
  });

  it('counts down to 999 in the millisecond a batch starts with, when the batch goes on to later ones', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: 'p' }),
      rec(2, 7, { key: 'x', b: 'q' }),
      rec(3, 8, { key: 'y', a: 's' }),
      rec(4, 8, { key: 'y', b: 't' }),
    ]);
    expect(sent(session).sort()).toEqual(['x:-:q@7999', 'x:p:-@7998', 'y:-:t@8001', 'y:s:-@8000']);
  });

  it('orders records of different partitions separately, and leaves replayed dead letters at timestamp × 1000', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: 'p' }, 0),
      rec(1, 7, { key: 'x', b: 'q' }, 1),
      rec(5, 9, { key: 'z', a: 'd' }, 2, { fromDeadLetter: true }),
      rec(6, 9, { key: 'z', b: 'e' }, 2, { fromDeadLetter: true }),
    ]);
    expect(sent(session).sort()).toEqual(['x:-:q@7000', 'x:p:-@7000', 'z:-:e@9000', 'z:d:-@9000']);
  });

  it('gives a retried record the write time it had in the first try of the invocation', async () => {
    const session = new FakeSession();
    const records = [rec(1, 7, { key: 'x', a: 'p' }), rec(2, 7, { key: 'x', b: 'q' }), rec(3, 7, { key: 'x', a: 'r' })];
    session.failWith = (write) => (write.values[2] === 'q' ? new TransientError('timeout') : undefined);
    const w = writer(session);
    // q and r share one batch (one partition), so both fail; p, covered by r, fails with it.
    expect((await w.writeRecords(records)).map((o) => o.status)).toEqual(['failed', 'failed', 'failed']);
    session.failWith = () => undefined;
    // Alone, q would be written at exactly 7000, level with p.
    await w.writeRecords([records[1] as KafkaRecord]);
    expect(sent(session).at(-1)).toBe('x:-:q@7001');
  });
});

describe('coalescing', () => {
  it('sends only the last of writes to a row that each cover the one before, and reports the others coalesced', async () => {
    const session = new FakeSession();
    const outcomes = await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: '1', b: '1' }),
      rec(2, 7, { key: 'x', a: '2', b: '2' }),
      rec(3, 7, { key: 'x', a: '3', b: '3' }),
      rec(4, 7, { key: 'y', a: '9' }),
    ]);
    expect(sent(session).sort()).toEqual(['x:3:3@7002', 'y:9:-@7000']);
    expect(outcomes.map((o) => (o.status === 'written' && o.coalesced === true ? 'coalesced' : o.status))).toEqual([
      'coalesced',
      'coalesced',
      'written',
      'written',
    ]);
  });

  it('merges nothing partial: a later write that sets fewer columns covers nothing, one that sets more covers it', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: '1', b: '1' }),
      rec(2, 7, { key: 'x', a: '2' }),
      rec(3, 7, { key: 'x', b: '3' }),
      rec(4, 7, { key: 'x', a: '4', b: '4' }),
      rec(5, 7, { key: 'x', b: '5' }),
    ]);
    expect(sent(session).sort()).toEqual(['x:-:5@7004', 'x:4:4@7003']);
  });

  it('lets a later row delete cover every earlier write of the row, but never lets an insert cover a delete', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: '1', b: '1' }),
      rec(2, 7, { key: 'x', b: '2' }),
      rec(3, 7, { key: 'x', del: true }),
      rec(4, 7, { key: 'x', a: '4', b: '4' }),
    ]);
    expect(sent(session).sort()).toEqual(['x:4:4@7003', 'x:delete@7002']);
  });

  it('never lets a later record with an older timestamp cover a newer one', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([rec(1, 9, { key: 'x', a: '1', b: '1' }), rec(2, 8, { key: 'x', a: '2', b: '2' })]);
    expect(sent(session).sort()).toEqual(['x:1:1@9000', 'x:2:2@8000']);
  });

  it('covers across partitions only with a strictly higher write time', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: '1', b: '1' }, 0),
      rec(1, 7, { key: 'x', a: '2', b: '2' }, 1),
      rec(2, 8, { key: 'x', a: '3', b: '3' }, 1),
    ]);
    // Both 7 ms writes are alone in their row, partition and millisecond (7000 each, no tie broken); 8000 covers both.
    expect(sent(session)).toEqual(['x:3:3@8000']);
  });

  it('leaves counter increments alone', async () => {
    const session = new FakeSession();
    await writer(session).writeRecords([rec(1, 7, { key: 'x', inc: 1 }), rec(2, 7, { key: 'x', inc: 2 })]);
    expect(sent(session)).toEqual(['x+1', 'x+2']);
  });
});

describe('outcomes of coalesced records', () => {
  it('writes the covered records in their own right when the covering write is rejected as poison', async () => {
    const session = new FakeSession();
    session.failWith = (write) => (write.values[1] === 'bad' ? new PoisonRecordError('Cassandra invalid: bad value') : undefined);
    const outcomes = await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: '1', b: '1' }),
      rec(2, 7, { key: 'x', a: '2', b: '2' }),
      rec(3, 7, { key: 'x', a: 'bad', b: 'bad' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written', 'dead-lettered']);
    expect(outcomes.some((o) => o.status === 'written' && o.coalesced === true)).toBe(true);
    // Second round: record 2 covers record 1 again and is written itself.
    expect(sent(session)).toEqual(['x:bad:bad@7002', 'x:2:2@7001']);
    expect(outcomes[1]).toEqual({ record: expect.anything() as KafkaRecord, status: 'written' });
  });

  it('fails the covered records with the covering one when it fails transiently, so that they are retried together', async () => {
    const session = new FakeSession();
    session.failWith = (write) => (write.values[1] === '3' ? new TransientError('write timeout') : undefined);
    const outcomes = await writer(session).writeRecords([
      rec(1, 7, { key: 'x', a: '1', b: '1' }),
      rec(2, 7, { key: 'x', a: '2', b: '2' }),
      rec(3, 7, { key: 'x', a: '3', b: '3' }),
      rec(4, 7, { key: 'y', a: '1' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'written']);
    expect(outcomes[0]?.status === 'failed' && outcomes[0].error.message).toBe(
      't/0@1 → ks.users: not written: the later record t/0@3 that covers it failed: t/0@3 → ks.users: write timeout',
    );
    expect(sent(session).sort()).toEqual(['x:3:3@7002', 'y:1:-@7000']);
  });

  it('fails the covered records when the deadline stops the covering write', async () => {
    const session = new FakeSession();
    const outcomes = await writer(session).writeRecords(
      [rec(1, 7, { key: 'x', a: '1', b: '1' }), rec(2, 7, { key: 'x', a: '2', b: '2' })],
      { deadlineMs: Date.now() - 1 },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(session.calls).toHaveLength(0);
  });
});
