import cassandra from 'cassandra-driver';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCassandraSession } from '../../../lambdas/adapters/cassandra-session.js';
import { HttpSchemaRegistry } from '../../../lambdas/adapters/schema-registry.js';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import type { SinkConfigInput } from '../../../lambdas/core/config/schema.js';
import { CQL_DRIVER_ENCODING } from '../../../lambdas/core/cql/convert.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createSinkEngine, type SinkEngine } from '../../../lambdas/core/batch/engine.js';
import { endpoints } from '../../../local/services/paths.js';
import { encodeMessage, jsonWire, producerRoot, protobufWire, protoFixture } from '../../support/confluent-wire.js';
import { localCassandraClient, uniqueName } from '../../support/services.js';
import { registerSchema, useSchemaRegistry } from './registry.js';

const { types } = cassandra;

/*
 * Protobuf and JSON Schema records, in the Confluent wire format, with their
 * schemas served by the local registry process over HTTP, written to the
 * real Cassandra and read back.
 */

let stopRegistry: () => Promise<void> = () => Promise.resolve();
let client: cassandra.Client;
const keyspace = uniqueName('codecit');
const run = uniqueName('run');
const root = producerRoot();
let everythingId = 0;
let offset = 0;

function record(topic: string, value: Buffer, key = `k${offset}`): KafkaRecord {
  return {
    topic,
    partition: 0,
    offset: String(offset++),
    timestamp: 1_760_000_000_123,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(key),
    value,
    headers: [],
  };
}

async function engineFor(topics: SinkConfigInput['topics']): Promise<SinkEngine> {
  return createSinkEngine({
    session: createCassandraSession(client),
    schemaRegistry: new HttpSchemaRegistry({ url: endpoints.schemaRegistry }),
    config: parseSinkConfig({
      connection: { profile: 'cassandra', contactPoints: [endpoints.cassandra], localDataCenter: endpoints.cassandraLocalDataCenter },
      topics: JSON.parse(JSON.stringify(topics).replaceAll('ks.', `${keyspace}.`)) as SinkConfigInput['topics'],
    }),
  });
}

const registry = (): { url: string } => ({ url: endpoints.schemaRegistry });

/** A producer's view of one version of a schema. */
function producerItem(text: string): protobuf.Root {
  const itemRoot = new protobuf.Root();
  protobuf.parse(text, itemRoot, { keepCase: true });
  itemRoot.resolveAll();
  return itemRoot;
}

beforeAll(async () => {
  stopRegistry = await useSchemaRegistry();
  client = localCassandraClient({ encoding: CQL_DRIVER_ENCODING });
  await client.connect();
  await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  // The imported file is its own subject, referenced by the import path, as Confluent's serializers register it.
  const addressId = await registerSchema(`${run}-shared-address`, { schema: protoFixture('address.proto'), schemaType: 'PROTOBUF' });
  expect(addressId).toBeGreaterThan(0);
  everythingId = await registerSchema(`${run}-everything-value`, {
    schema: protoFixture('everything.proto'),
    schemaType: 'PROTOBUF',
    references: [{ name: 'shared/address.proto', subject: `${run}-shared-address`, version: 1 }],
  });
});

afterAll(async () => {
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await client.shutdown();
  await stopRegistry();
});

describe('Protobuf through a Confluent-protocol registry into Cassandra', () => {
  it('writes every CQL type from one Protobuf record', async () => {
    await client.execute(`CREATE TYPE ${keyspace}.address (street text, zip int)`);
    await client.execute(`CREATE TABLE ${keyspace}.everything (
      id text PRIMARY KEY, c_ascii ascii, c_int int, c_bigint bigint, c_varint varint, c_signed bigint, c_float float, c_double double,
      c_boolean boolean, c_blob blob, c_status text, c_timestamp timestamp, c_duration duration, c_wrapped bigint, c_unset text,
      c_list list<text>, c_set set<text>, c_map map<text, bigint>, c_long_keys map<bigint, text>, c_udt frozen<address>,
      c_udt_list list<frozen<address>>, c_optional text, c_date date, c_time time, c_uuid uuid, c_timeuuid timeuuid, c_inet inet,
      c_decimal decimal, c_smallint smallint, c_tinyint tinyint, c_fixed varint, c_tuple tuple<text, text>, c_vector vector<float, 3>)`);
    const mapping = [
      'id=value.id',
      'c_ascii=value.id',
      'c_int=value.small',
      'c_bigint=value.big',
      'c_varint=value.unsigned_big',
      'c_signed=value.signed_big',
      'c_float=value.ratio',
      'c_double=value.precise',
      'c_boolean=value.active',
      'c_blob=value.payload',
      'c_status=value.status',
      'c_timestamp=value.created_at',
      'c_duration=value.took',
      'c_wrapped=value.maybe_count',
      'c_unset=value.maybe_note',
      'c_list=value.tags',
      'c_set=value.tags',
      'c_map=value.counters',
      'c_long_keys=value.names_by_id',
      'c_udt=value.address',
      'c_udt_list=value.history',
      'c_optional=value.nickname',
      'c_date=value.day',
      'c_time=value.clock',
      'c_uuid=value.uid',
      'c_timeuuid=value.tid',
      'c_inet=value.ip',
      'c_decimal=value.amount',
      'c_smallint=value.delta',
      'c_tinyint=value.delta',
      'c_fixed=value.fixed',
      'c_tuple=value.tags',
      'c_vector=value.vec',
    ].join(', ');
    const engine = await engineFor({
      [`${run}-everything`]: {
        keyFormat: 'string',
        valueFormat: 'protobuf',
        schemaRegistry: registry(),
        tables: { 'ks.everything': { mapping } },
      },
    });
    const payload = encodeMessage(root, 'shop.v1.Everything', {
      id: 'e-1',
      small: -7,
      big: '9223372036854775807',
      unsigned_big: '18446744073709551615',
      signed_big: '-9223372036854775808',
      ratio: 0.5,
      precise: 0.1,
      active: true,
      payload: Buffer.from([0xca, 0xfe]),
      status: 1,
      created_at: { seconds: 1_705_314_600, nanos: 123_456_789 },
      took: { seconds: 5400, nanos: 7 },
      maybe_count: { value: '12345678901234567' },
      tags: ['b', 'a'],
      counters: { x: '9007199254740993' },
      names_by_id: { '-9007199254740993': 'far' },
      address: { street: 'Main', zip: 1234 },
      history: [
        { street: 'Old', zip: 1 },
        { street: 'Older', zip: 2 },
      ],
      day: '2026-03-01',
      clock: '10:15:30.123456789',
      uid: '5b6f0c7e-3a52-4c1e-9a7e-0c5f1d2e3a4b',
      tid: 'd2177dd0-eaa2-11de-a572-001b779c76e3',
      ip: '10.1.2.3',
      amount: '12345.67890123456789',
      delta: -3,
      fixed: '42',
      vec: [1.5, -2, 0.25],
    });
    const outcomes = await engine.process([record(`${run}-everything`, protobufWire(everythingId, [0], payload))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['written']);

    const row = (await client.execute(`SELECT * FROM ${keyspace}.everything WHERE id = 'e-1'`)).first();
    expect(row.get('c_ascii')).toBe('e-1');
    expect(row.get('c_int')).toBe(-7);
    expect(String(row.get('c_bigint'))).toBe('9223372036854775807');
    expect(String(row.get('c_varint'))).toBe('18446744073709551615');
    expect(String(row.get('c_signed'))).toBe('-9223372036854775808');
    expect(row.get('c_float')).toBe(0.5);
    expect(row.get('c_double')).toBe(0.1);
    expect(row.get('c_boolean')).toBe(true);
    expect(row.get('c_blob')).toEqual(Buffer.from([0xca, 0xfe]));
    expect(row.get('c_status')).toBe('STATUS_ACTIVE');
    expect((row.get('c_timestamp') as Date).toISOString()).toBe('2024-01-15T10:30:00.123Z');
    expect(row.get('c_duration')).toBeInstanceOf(types.Duration);
    expect(String(row.get('c_duration'))).toBe('1h30m7ns');
    expect(String(row.get('c_wrapped'))).toBe('12345678901234567');
    expect(row.get('c_unset')).toBeNull();
    expect(row.get('c_list')).toEqual(['b', 'a']);
    expect(row.get('c_set')).toEqual(['a', 'b']);
    // The sink's driver encoding reads maps back as Maps.
    const entries = (name: string): string[][] =>
      [...(row.get(name) as Map<unknown, unknown>).entries()].map(([k, v]) => [String(k), String(v)]);
    expect(entries('c_map')).toEqual([['x', '9007199254740993']]);
    expect(entries('c_long_keys')).toEqual([['-9007199254740993', 'far']]);
    expect({ ...(row.get('c_udt') as object) }).toEqual({ street: 'Main', zip: 1234 });
    expect((row.get('c_udt_list') as object[]).map((udt) => ({ ...udt }))).toEqual([
      { street: 'Old', zip: 1 },
      { street: 'Older', zip: 2 },
    ]);
    expect(row.get('c_optional')).toBeNull();
    expect(String(row.get('c_date'))).toBe('2026-03-01');
    expect(String(row.get('c_time'))).toBe('10:15:30.123456789');
    expect(String(row.get('c_uuid'))).toBe('5b6f0c7e-3a52-4c1e-9a7e-0c5f1d2e3a4b');
    expect(String(row.get('c_timeuuid'))).toBe('d2177dd0-eaa2-11de-a572-001b779c76e3');
    expect(String(row.get('c_inet'))).toBe('10.1.2.3');
    expect(String(row.get('c_decimal'))).toBe('12345.67890123456789');
    expect(row.get('c_smallint')).toBe(-3);
    expect(row.get('c_tinyint')).toBe(-3);
    expect(String(row.get('c_fixed'))).toBe('42');
    expect(String(row.get('c_tuple'))).toBe(String(new types.Tuple('b', 'a')));
    expect([...(row.get('c_vector') as Iterable<number>)]).toEqual([1.5, -2, 0.25]);
  });

  it('reads the message the indexes select, and records of both versions of an evolving schema', async () => {
    await client.execute(`CREATE TABLE ${keyspace}.deep (id text PRIMARY KEY, at bigint)`);
    await client.execute(`CREATE TABLE ${keyspace}.items (id text PRIMARY KEY, qty int, color text)`);
    const v1 = 'syntax = "proto3";\npackage evo;\nmessage Item {\n  string id = 1;\n  int32 qty = 2;\n}\n';
    const v2 = 'syntax = "proto3";\npackage evo;\nmessage Item {\n  string id = 1;\n  int32 qty = 2;\n  string color = 3;\n}\n';
    const v1Id = await registerSchema(`${run}-items-value`, { schema: v1, schemaType: 'PROTOBUF' });
    const v2Id = await registerSchema(`${run}-items-value`, { schema: v2, schemaType: 'PROTOBUF' });
    expect(v2Id).not.toBe(v1Id);
    const engine = await engineFor({
      [`${run}-deep`]: {
        valueFormat: 'protobuf',
        schemaRegistry: registry(),
        tables: { 'ks.deep': { mapping: 'id=value.label, at=value.at' } },
      },
      [`${run}-items`]: {
        valueFormat: 'protobuf',
        schemaRegistry: registry(),
        tables: { 'ks.items': { mapping: 'id=value.id, qty=value.qty, color=value.color' } },
      },
    });
    const deep = encodeMessage(root, 'shop.v1.Other.Deep', { label: 'nested', at: '-9007199254740993' });
    const itemV1 = encodeMessage(producerItem(v1), 'evo.Item', { id: 'old', qty: 1 });
    const itemV2 = encodeMessage(producerItem(v2), 'evo.Item', { id: 'new', qty: 2, color: 'red' });
    const outcomes = await engine.process([
      record(`${run}-deep`, protobufWire(everythingId, [1, 0], deep)),
      record(`${run}-items`, protobufWire(v1Id, [0], itemV1)),
      record(`${run}-items`, protobufWire(v2Id, [0], itemV2)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['written', 'written', 'written']);
    const deepRow = (await client.execute(`SELECT at FROM ${keyspace}.deep WHERE id = 'nested'`)).first();
    expect(String(deepRow.get('at'))).toBe('-9007199254740993');
    const items = (await client.execute(`SELECT id, qty, color FROM ${keyspace}.items`)).rows.map((row) => [
      row.get('id') as string,
      row.get('qty') as number,
      row.get('color') as string | null,
    ]);
    expect(items.sort()).toEqual([
      ['new', 2, 'red'],
      ['old', 1, null],
    ]);
  });

  it('writes JSON Schema records, long numbers exact', async () => {
    await client.execute(`CREATE TABLE ${keyspace}.orders (id bigint PRIMARY KEY, customer text, placed timestamp, lines list<int>)`);
    const schema = JSON.stringify({
      title: 'Order',
      type: 'object',
      properties: {
        id: { type: 'integer' },
        customer: { type: 'string' },
        placed: { type: 'string', format: 'date-time' },
        lines: { type: 'array', items: { type: 'integer' } },
      },
    });
    const id = await registerSchema(`${run}-orders-value`, { schema, schemaType: 'JSON' });
    const engine = await engineFor({
      [`${run}-orders`]: {
        valueFormat: 'json-schema',
        schemaRegistry: registry(),
        tables: { 'ks.orders': { mapping: 'id=value.id, customer=value.customer, placed=value.placed, lines=value.lines' } },
      },
    });
    const payload = Buffer.concat([
      jsonWire(id, {}).subarray(0, 5),
      Buffer.from('{"id": 9223372036854775806, "customer": "ada", "placed": "2026-03-01T10:15:30.123Z", "lines": [3, 1]}'),
    ]);
    const outcomes = await engine.process([record(`${run}-orders`, payload)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['written']);
    const row = (await client.execute(`SELECT * FROM ${keyspace}.orders WHERE id = 9223372036854775806`)).first();
    expect(row.get('customer')).toBe('ada');
    expect((row.get('placed') as Date).toISOString()).toBe('2026-03-01T10:15:30.123Z');
    expect(row.get('lines')).toEqual([3, 1]);
  });
});
