import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import type { SinkConfigInput } from '../../../lambdas/core/config/schema.js';
import type { ColumnSchema, TableSchema } from '../../../lambdas/core/cql/session.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createSinkEngine } from '../../../lambdas/core/batch/engine.js';
import { FakeSession, kafkaRecord, unitConnection } from '../../kit/index.js';

const { unset } = cassandra.types;

const col = (name: string, type: string, kind: ColumnSchema['kind'] = 'regular', position = -1): ColumnSchema => ({
  name,
  type,
  kind,
  position,
});
const users: TableSchema = {
  keyspace: 'ks',
  table: 'users',
  columns: [col('id', 'text', 'partition_key', 0), col('Name', 'text'), col('age', 'int'), col('city', 'text')],
  udts: [],
};
const hits: TableSchema = {
  keyspace: 'ks',
  table: 'hits',
  columns: [col('page', 'text', 'partition_key', 0), col('views', 'counter')],
  udts: [],
};

async function engineWith(tables: Record<string, unknown>, extra: Partial<SinkConfigInput> = {}) {
  const session = new FakeSession([users, hits]);
  const config = parseSinkConfig({
    connection: unitConnection,
    topics: { t: { tables } },
    ...extra,
  });
  return { session, engine: await createSinkEngine({ config, session }) };
}

function rec(value: unknown, timestamp = 1_000): KafkaRecord {
  return kafkaRecord({
    topic: 't',
    partition: 3,
    offset: '7',
    timestamp,
    key: Buffer.from('k1'),
    value: value === null ? null : Buffer.from(JSON.stringify(value)),
  });
}

describe('sink engine statements', () => {
  it('prepares a quoted INSERT with USING TIMESTAMP and a static TTL, and a whole-row DELETE when every column is mapped', async () => {
    const { session } = await engineWith({
      'ks.users': { mapping: 'id=key, "Name"=value.n, age=value.a, city=value.c', ttl: 2, ttlTimeUnit: 'HOURS' },
    });
    expect(session.prepared.sort()).toEqual([
      'DELETE FROM "ks"."users" USING TIMESTAMP ? WHERE "id" = ?',
      'INSERT INTO "ks"."users" ("id", "Name", "age", "city") VALUES (?, ?, ?, ?) USING TIMESTAMP ? AND TTL 7200',
    ]);
  });

  it('binds TTL per record when __ttl is mapped, omits USING TIMESTAMP without client timestamps, deletes only owned columns', async () => {
    const { session } = await engineWith({ 'ks.users': { mapping: 'id=key, age=value.a, __ttl=value.t', clientTimestamps: false } });
    expect(session.prepared.sort()).toEqual([
      'DELETE "age" FROM "ks"."users" WHERE "id" = ?',
      'INSERT INTO "ks"."users" ("id", "age") VALUES (?, ?) USING TTL ?',
    ]);
  });

  it('turns counter tables into UPDATE … SET c = c + ?, without timestamp, TTL or DELETE, not idempotent', async () => {
    const { session, engine } = await engineWith({ 'ks.hits': { mapping: 'page=key, views=value.v' } });
    expect(session.prepared).toEqual(['UPDATE "ks"."hits" SET "views" = "views" + ? WHERE "page" = ?']);
    await engine.process([rec({ v: 3 })]);
    expect(session.calls[0]?.writes[0]?.values).toEqual([3n, 'k1']);
    expect(session.calls[0]?.options).toMatchObject({ idempotent: false, counter: true });
  });
});

describe('sink engine rows', () => {
  it('binds the Kafka timestamp in µs as a BigInt, null fields as unset, and absent fields as unset with nullToUnset', async () => {
    const { session, engine } = await engineWith({ 'ks.users': { mapping: 'id=key, age=value.a, city=value.c' } });
    const outcomes = await engine.process([rec({ a: null, c: 'Oslo' }, 1_234), rec({ c: 'Rome' }, 1_234)]);
    expect(outcomes.map((o) => o.status)).toEqual(['written', 'written']);
    // Same row, same millisecond: the second is placed 1 µs later, and covers the first, which is not sent.
    expect(session.calls.flatMap((c) => c.writes.map((w) => w.values))).toEqual([['k1', unset, 'Rome', 1_234_001n]]);
    expect(outcomes[0]).toMatchObject({ status: 'written', coalesced: true });
    await engine.process([rec({ a: null, c: 'Oslo' }, 1_234)]);
    expect(session.calls.at(-1)?.writes.map((w) => w.values)).toEqual([['k1', unset, 'Oslo', 1_234_000n]]);
  });

  it('fails an absent field without nullToUnset, naming the record, the table and the field', async () => {
    const { engine } = await engineWith({ 'ks.users': { mapping: 'id=key, age=value.a, city=value.c', nullToUnset: false } });
    const [outcome] = await engine.process([rec({ c: 'Oslo' })]);
    expect(outcome?.status === 'dead-lettered' && outcome.error.message).toBe(
      't/3@7 → ks.users: column "age": value.a is missing from the record (nullToUnset is false, so an absent field is an error, as in the connector)',
    );
  });

  it('treats a value whose mapped non-key fields are all null or absent as a delete, as the connector does', async () => {
    const { session, engine } = await engineWith({ 'ks.users': { mapping: 'id=key, age=value.a, city=value.c' } });
    await engine.process([rec({ a: null })]);
    expect(session.calls[0]?.writes[0]?.statement.cql).toBe('DELETE "age", "city" FROM "ks"."users" USING TIMESTAMP ? WHERE "id" = ?');
  });

  it('uses a DELETE for a tombstone, with the record write time first', async () => {
    const { session, engine } = await engineWith({ 'ks.users': { mapping: 'id=key, "Name"=value.n, age=value.a, city=value.c' } });
    await engine.process([rec(null, 5)]);
    expect(session.calls[0]?.writes[0]?.statement.cql).toMatch(/^DELETE/);
    expect(session.calls[0]?.writes[0]?.values).toEqual([5_000n, 'k1']);
  });

  it('reads nested paths and reports a path through a non-object', async () => {
    const { session, engine } = await engineWith({ 'ks.users': { mapping: 'id=key, age=value.p.age' } });
    const outcomes = await engine.process([rec({ p: { age: '41' } }), rec({ p: 'flat' })]);
    expect(session.calls[0]?.writes[0]?.values.slice(0, 2)).toEqual(['k1', 41]);
    expect(outcomes[1]?.status === 'dead-lettered' && outcomes[1].error.message).toMatch(
      /value\.p\.age: value\.p is a string, not an object/,
    );
  });

  it('lists every problem of every table in one ConfigError', async () => {
    const error = await engineWith({
      'ks.users': { mapping: 'age=value.a, nope=value.x, city=now()' },
      'ks.hits': { mapping: 'page=key, views=value.v, __timestamp=value.ts' },
      'ks.missing': { mapping: 'id=key' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'ks.missing: table "missing" does not exist in keyspace "ks"',
      'topics.t.tables.ks.users: mapping: "nope" is not a column of ks.users (its columns: id, Name, age, city)',
      'topics.t.tables.ks.users: mapping: primary key column "id" must be mapped',
      'topics.t.tables.ks.users: mapping: "city"=now(): now() gives a timeuuid (or a timestamp), not text',
      'topics.t.tables.ks.hits: ks.hits is a counter table: counters take no write time (remove __timestamp)',
    ]);
  });
});
