import { describe, expect, it } from 'vitest';
import type { PreparedStatement } from '../../../lambdas/core/cql/session.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import type { MappedRecord, RowWrite, WriteTarget } from '../../../lambdas/core/writer/row.js';
import { createWriter } from '../../../lambdas/core/writer/write.js';
import { FakeSession, kafkaRecord } from '../../kit/index.js';

const statement: PreparedStatement = { cql: 'INSERT …', variables: [] };
const target = (name: string, serverTimestamps = false): WriteTarget => ({
  name,
  consistency: 'LOCAL_ONE',
  idempotent: true,
  counter: false,
  serverTimestamps,
});
const users = target('ks.users');
const views = target('ks.views');

function rec(offset: number, partition = 0): KafkaRecord {
  return kafkaRecord({ topic: 't', partition, offset: String(offset), timestamp: 1 });
}

/** A record's rows: `spec` is "table:partition:row" per row, values = [offset]. */
function writerFor(
  rows: (record: KafkaRecord) => RowWrite[],
  session: FakeSession,
  limits = { maxConcurrentRequests: 4, maxNumberOfRecordsInBatch: 3 },
) {
  return createWriter({ session, mapper: (record): MappedRecord => ({ rows: rows(record), failures: [] }), ...limits });
}

const row = (t: WriteTarget, record: KafkaRecord, partition: string, rowKey = record.offset): RowWrite => ({
  target: t,
  statement,
  values: [Number(record.offset)],
  partition,
  row: rowKey,
});

describe('writer', () => {
  it('batches rows of one partition (capped), sends a lone row as a plain statement, and keeps Kafka order in a batch', async () => {
    const session = new FakeSession();
    const writer = writerFor((r) => [row(users, r, Number(r.offset) < 5 ? 'p1' : 'p2')], session);
    const outcomes = await writer.writeRecords([0, 1, 2, 3, 4, 5].map((o) => rec(o)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('written'));
    const shapes = session.calls.map((c) => `${c.kind}:${c.writes.map((w) => String(w.values[0])).join(',')}`).sort();
    expect(shapes).toEqual(['batch:0,1,2', 'batch:3,4', 'execute:5']);
    expect(session.calls.every((c) => c.options.idempotent && c.options.consistency === 'LOCAL_ONE')).toBe(true);
  });

  it('never batches rows of different tables', async () => {
    const session = new FakeSession();
    const writer = writerFor((r) => [row(users, r, 'same'), row(views, r, 'same')], session);
    await writer.writeRecords([rec(0), rec(1)]);
    expect(session.calls.map((c) => c.writes.map((w) => String(w.values[0])).join(','))).toEqual(['0,1', '0,1']);
    expect(session.calls).toHaveLength(2);
  });

  it('retries a batch rejected as poison row by row, so only the bad record is poison', async () => {
    const session = new FakeSession();
    session.failWith = (w) => (w.values[0] === 1 ? new PoisonRecordError('Cassandra invalid: bad value') : undefined);
    const outcomes = await writerFor((r) => [row(users, r, 'p')], session).writeRecords([rec(0), rec(1), rec(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'dead-lettered', 'written']);
    const poison = outcomes[1];
    expect(poison?.status === 'dead-lettered' && [poison.tables, poison.error.message]).toEqual([
      ['ks.users'],
      't/0@1 → ks.users: Cassandra invalid: bad value',
    ]);
    expect(session.calls.map((c) => c.kind)).toEqual(['batch', 'execute', 'execute', 'execute']);
  });

  it('marks every record of a batch that failed transiently as transient', async () => {
    const session = new FakeSession();
    session.failWith = () => new TransientError('write timeout');
    const outcomes = await writerFor((r) => [row(users, r, 'p')], session).writeRecords([rec(0), rec(1)]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(outcomes[0]?.status === 'failed' && outcomes[0].error.message).toBe('t/0@0 → ks.users: write timeout');
  });

  it('counts a record written only when all its tables are; transient wins over poison', async () => {
    const session = new FakeSession();
    session.failWith = (w) => {
      const [offset] = w.values as number[];
      if (w.statement !== statement) return undefined;
      return offset === 0 ? new TransientError('timeout') : offset === 1 ? new PoisonRecordError('invalid') : undefined;
    };
    let n = 0;
    const writer = createWriter({
      session,
      maxConcurrentRequests: 2,
      maxNumberOfRecordsInBatch: 1,
      mapper: (r) => {
        const ok = { ...row(views, r, `v${n++}`), statement: { cql: 'other', variables: [] } };
        return r.offset === '2'
          ? { rows: [ok], failures: [{ table: 'ks.users', error: new PoisonRecordError('t/0@2 → ks.users: column "x"') }] }
          : { rows: [row(users, r, `u${r.offset}`), ok], failures: [] };
      },
    });
    const outcomes = await writer.writeRecords([rec(0), rec(1), rec(2), rec(3)]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'dead-lettered', 'dead-lettered', 'written']);
    expect(outcomes[2]?.status === 'dead-lettered' && outcomes[2].tables).toEqual(['ks.users']);
  });

  it('keeps at most maxConcurrentRequests requests in flight', async () => {
    const session = new FakeSession();
    const records = Array.from({ length: 40 }, (_, i) => rec(i));
    await writerFor((r) => [row(users, r, `p${r.offset}`)], session, {
      maxConcurrentRequests: 5,
      maxNumberOfRecordsInBatch: 32,
    }).writeRecords(records);
    expect(session.calls).toHaveLength(40);
    expect(session.maxInFlight).toBe(5);
  });

  it('starts no write after the deadline: those records are transient', async () => {
    const session = new FakeSession();
    const outcomes = await writerFor((r) => [row(users, r, `p${r.offset}`)], session).writeRecords([rec(0), rec(1)], {
      deadlineMs: Date.now() - 1,
    });
    expect(session.calls).toHaveLength(0);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(outcomes[0]?.status === 'failed' && outcomes[0].error.message).toMatch(/deadline/);
  });

  it('without client timestamps, cuts a batch before a repeated key and runs the partition in order, stopping after a failure', async () => {
    const session = new FakeSession();
    const counters = target('ks.counters', true);
    session.failWith = (w) => (w.values[0] === 2 ? new TransientError('overloaded') : undefined);
    const keys = ['a', 'b', 'a', 'c', 'd'];
    const outcomes = await writerFor((r) => [row(counters, r, 'p', keys[Number(r.offset)])], session).writeRecords(
      [0, 1, 2, 3, 4].map((o) => rec(o)),
    );
    // [a b] then [a c d]: the second batch fails, nothing after it in the partition is attempted.
    expect(session.calls.map((c) => c.writes.map((w) => String(w.values[0])).join(','))).toEqual(['0,1', '2,3,4']);
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written', 'failed', 'failed', 'failed']);
  });

  it('reports a record whose mapping throws a transient error (e.g. the schema registry is down) as transient', async () => {
    const session = new FakeSession();
    const writer = createWriter({
      session,
      maxConcurrentRequests: 1,
      maxNumberOfRecordsInBatch: 1,
      mapper: () => Promise.reject(new TransientError('registry down')),
    });
    const [outcome] = await writer.writeRecords([rec(0)]);
    expect(outcome?.status === 'failed' && outcome.error.message).toMatch(/registry down/);
  });
});
