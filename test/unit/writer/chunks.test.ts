import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PreparedStatement } from '../../../lambdas/core/cql/session.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import type { MappedRecord, RecordMapper, RowWrite, WriteTarget } from '../../../lambdas/core/writer/row.js';
import { createWriter } from '../../../lambdas/core/writer/write.js';
import { FakeSession, kafkaRecord } from '../../kit/index.js';

/** The writer maps records chunk by chunk, yielding between chunks, and writes once every record is mapped. */

const statement: PreparedStatement = { cql: 'INSERT …', variables: [] };
const target = (name: string, serverTimestamps = false): WriteTarget => ({
  name,
  consistency: 'LOCAL_ONE',
  idempotent: true,
  counter: false,
  serverTimestamps,
});
const users = target('ks.users');
const counters = target('ks.counters', true);

const rec = (offset: number): KafkaRecord => kafkaRecord({ topic: 't', offset: String(offset), timestamp: 1 });
const records = (n: number): KafkaRecord[] => Array.from({ length: n }, (_, i) => rec(i));
const row = (t: WriteTarget, record: KafkaRecord, partition: string, rowKey = record.offset): RowWrite => ({
  target: t,
  statement,
  values: [Number(record.offset)],
  partition,
  row: rowKey,
});

/** A mapper that logs "map <offset>" into the session's log before mapping. */
function loggingMapper(session: FakeSession, rows: (record: KafkaRecord) => RowWrite[]): RecordMapper {
  return (record): MappedRecord => {
    session.log.push(`map ${record.offset}`);
    return { rows: rows(record), failures: [] };
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('writer, chunked mapping', () => {
  it('maps every record before the first write (coalescing needs the whole call)', async () => {
    const session = new FakeSession();
    session.delay = () => Promise.resolve();
    const mapper = loggingMapper(session, (r) => [row(users, r, `p${r.offset}`)]);
    const writer = createWriter({ session, mapper, maxConcurrentRequests: 2, maxNumberOfRecordsInBatch: 10, mapChunkRecords: 4 });
    const outcomes = await writer.writeRecords(records(12));
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
    expect(session.log.indexOf('map 11')).toBeLessThan(session.log.indexOf('start 0'));
    expect(session.maxInFlight).toBe(2);
  });

  it('maps all records before writing when they fit in one chunk', async () => {
    const session = new FakeSession();
    const mapper = loggingMapper(session, (r) => [row(users, r, `p${r.offset}`)]);
    await createWriter({ session, mapper, maxConcurrentRequests: 8, maxNumberOfRecordsInBatch: 10, mapChunkRecords: 4 }).writeRecords(
      records(4),
    );
    expect(session.log.slice(0, 5)).toEqual(['map 0', 'map 1', 'map 2', 'map 3', 'start 0']);
  });

  it('bounds the requests in flight across all chunks of a call, not per chunk', async () => {
    const session = new FakeSession();
    const mapper = loggingMapper(session, (r) => [row(users, r, `p${r.offset}`)]);
    const writer = createWriter({ session, mapper, maxConcurrentRequests: 5, maxNumberOfRecordsInBatch: 10, mapChunkRecords: 3 });
    const outcomes = await writer.writeRecords(records(40));
    expect(session.calls).toHaveLength(40);
    expect(session.maxInFlight).toBe(5);
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
  });

  it('batches the rows of a partition across chunks', async () => {
    const session = new FakeSession();
    const mapper = loggingMapper(session, (r) => [row(users, r, 'p')]);
    await createWriter({ session, mapper, maxConcurrentRequests: 4, maxNumberOfRecordsInBatch: 10, mapChunkRecords: 4 }).writeRecords(
      records(6),
    );
    expect(session.calls.map((c) => c.writes.map((w) => String(w.values[0])).join(','))).toEqual(['0,1,2,3,4,5']);
  });

  it('runs rows without their own write time in Kafka order per partition, one batch at a time, across chunks', async () => {
    const session = new FakeSession();
    // Counter rows (values "c<offset>") of partitions "a" and "b"; repeated row keys cut batches. Each record also has an unordered users row.
    const keys = ['x', 'y', 'x', 'z', 'x', 'y', 'x', 'x', 'y', 'z', 'x', 'y'];
    const partitionOf = (n: number): string => (n % 3 === 2 ? 'b' : 'a');
    const mapper = loggingMapper(session, (r) => {
      const n = Number(r.offset);
      return [{ ...row(counters, r, partitionOf(n), keys[n]), values: [`c${r.offset}`] }, row(users, r, `u${r.offset}`)];
    });
    const writer = createWriter({ session, mapper, maxConcurrentRequests: 8, maxNumberOfRecordsInBatch: 2, mapChunkRecords: 3 });
    const outcomes = await writer.writeRecords(records(12));
    expect(outcomes.every((o) => o.status === 'written')).toBe(true);
    for (const partition of ['a', 'b']) {
      const lines = session.log.filter(
        (line) => /^(start|end) c/.test(line) && partitionOf(Number(line.split(' c')[1]?.split(',')[0])) === partition,
      );
      // One batch of the partition at a time: start, end, start, end…
      expect(lines.map((line) => line.split(' ')[0])).toEqual(lines.map((_, i) => (i % 2 === 0 ? 'start' : 'end')));
      // …in Kafka order, covering every counter row of the partition.
      const started = lines
        .filter((line) => line.startsWith('start'))
        .flatMap((line) => (line.split(' ')[1] ?? '').split(',').map((v) => Number(v.slice(1))));
      expect(started).toEqual(
        records(12)
          .map((_, n) => n)
          .filter((n) => partitionOf(n) === partition),
      );
    }
  });

  it('gives the same outcomes whatever the chunk size: poison split, mapping failures, transient failures, async mapping', async () => {
    const failWith = (write: { values: readonly unknown[] }): Error | undefined => {
      const [value] = write.values;
      if (value === 'c13') return new TransientError('overloaded'); // a counter row: later rows of its partition are not attempted
      if (typeof value === 'number' && value % 7 === 3) return new PoisonRecordError('Cassandra invalid: bad value');
      if (value === 11) return new TransientError('write timeout');
      return undefined;
    };
    const mapper: RecordMapper = (record) => {
      const n = Number(record.offset);
      if (n === 5) return Promise.reject(new TransientError('registry down'));
      const mapped: MappedRecord = {
        rows: [
          row(users, record, `p${String(Math.floor(n / 4))}`),
          { ...row(counters, record, 'c', String(n % 3)), values: [`c${record.offset}`] },
        ],
        failures: n === 8 ? [{ table: 'ks.views', error: new PoisonRecordError(`t/0@${record.offset} → ks.views: column "x"`) }] : [],
      };
      return n % 4 === 1 ? Promise.resolve(mapped) : mapped;
    };
    const run = async (chunk: number) => {
      const session = new FakeSession();
      session.failWith = failWith;
      const outcomes = await createWriter({
        session,
        mapper,
        maxConcurrentRequests: 3,
        maxNumberOfRecordsInBatch: 3,
        mapChunkRecords: chunk,
      }).writeRecords(records(20));
      return outcomes.map((o) =>
        o.status === 'written'
          ? o.status
          : o.status === 'dead-lettered'
            ? `${o.status} ${o.tables.join('+')} ${o.error.message}`
            : `${o.status} ${o.error.message}`,
      );
    };
    const whole = await run(1_000);
    expect(await run(1)).toEqual(whole);
    expect(await run(3)).toEqual(whole);
    expect(whole[3]).toBe('dead-lettered ks.users t/0@3 → ks.users: Cassandra invalid: bad value');
    expect(whole[5]).toMatch(/^failed .*registry down/);
    expect(whole[8]).toBe('dead-lettered ks.views t/0@8 → ks.views: column "x"');
    expect(whole[11]).toMatch(/^failed .*write timeout/);
    expect(whole[0]).toBe('written');
    expect(whole.slice(12).map((o) => o.split(' ')[0])).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(whole[16]).toMatch(/not attempted, an earlier write to the same partition failed/);
  });

  it('starts no write once the deadline has passed, even when it passes while records are mapped', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const session = new FakeSession();
    const mapper = loggingMapper(session, (r) => {
      if (r.offset === '6') vi.setSystemTime(2_000_000); // the deadline passes while the third chunk is mapped
      return [row(users, r, `p${r.offset}`)];
    });
    const writer = createWriter({ session, mapper, maxConcurrentRequests: 16, maxNumberOfRecordsInBatch: 10, mapChunkRecords: 3 });
    const outcomes = await writer.writeRecords(records(9), { deadlineMs: 1_500_000 });
    expect(outcomes.map((o) => o.status)).toEqual(Array(9).fill('failed'));
    expect(outcomes[6]?.status === 'failed' && outcomes[6].error.message).toMatch(/deadline/);
    expect(session.calls).toHaveLength(0);
  });
});
