import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteRegistryCommand,
  GlueClient,
  RegisterSchemaVersionCommand,
} from '@aws-sdk/client-glue';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import avsc from 'avsc';
import protobuf from 'protobufjs';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSinkRuntime, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { readDeadLetterBody } from '../../../lambdas/adapters/sqs-dead-letter.js';
import { avroLogicalTypes } from '../../../lambdas/core/codecs/avro-logical.js';
import { writeGlueEnvelope } from '../../../lambdas/core/codecs/glue-wire.js';
import { CQL_DRIVER_ENCODING } from '../../../lambdas/core/cql/convert.js';
import type { DeadLetterMessage } from '../../../lambdas/core/dead-letter.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { buildMskEvent, type PolledRecord } from '../../../local/poller/event.js';
import type { MskEvent } from '../../../local/poller/types.js';
import { endpoints, localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../../support/services.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';
import { createQueue, createSecret, deleteQueue, deleteSecrets, receiveAll, uniqueTopic, useEmulatorEnvironment } from './support.js';

/*
 * The glue format end to end: schemas registered in the emulator's Glue
 * Schema Registry (moto serves CreateRegistry, CreateSchema,
 * RegisterSchemaVersion and GetSchemaVersion), records framed in the Glue
 * wire format, the real sink runtime fetching the schemas through the AWS
 * SDK, rows written to the real Cassandra, poison dead-lettered to SQS.
 */

useEmulatorEnvironment();
const glue = new GlueClient(localAwsClientConfig);
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secrets: string[] = [];
const keyspace = uniqueName('glueit');
const registryName = uniqueName('kcs-glue');
const avroTopic = uniqueTopic('glue-avro');
const jsonTopic = uniqueTopic('glue-json');
let admin: cassandra.Client;
let runtime: SinkRuntime | undefined;
let dlqUrl = '';
let everythingV1 = '';
let everythingV2 = '';
let jsonV1 = '';
let protoV1 = '';
const protoText =
  'syntax = "proto3";\npackage shop;\nmessage Audit { string who = 1; }\nmessage Order { int64 id = 1; string amount = 2; }\n';

const address = {
  type: 'record',
  name: 'Address',
  fields: [
    { name: 'street', type: 'string' },
    { name: 'zip', type: ['null', 'int'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};
const everythingV1Schema = {
  type: 'record',
  name: 'Everything',
  namespace: 'kcs.it',
  fields: [
    { name: 'ascii', type: 'string' },
    { name: 'text', type: 'string' },
    { name: 'varchar', type: 'string' },
    { name: 'int', type: 'int' },
    { name: 'bigint', type: 'long' },
    { name: 'smallint', type: 'int' },
    { name: 'tinyint', type: 'int' },
    { name: 'varint', type: 'string' },
    { name: 'decimal', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 4 } },
    { name: 'float', type: 'float' },
    { name: 'double', type: 'double' },
    { name: 'boolean', type: 'boolean' },
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'date', type: { type: 'int', logicalType: 'date' } },
    { name: 'time', type: { type: 'long', logicalType: 'time-micros' } },
    { name: 'duration', type: 'string' },
    { name: 'uuid', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'timeuuid', type: 'string' },
    { name: 'inet', type: 'string' },
    { name: 'blob', type: 'bytes' },
    { name: 'list', type: { type: 'array', items: 'int' } },
    { name: 'set', type: { type: 'array', items: 'string' } },
    { name: 'map', type: { type: 'map', values: 'double' } },
    { name: 'frozen_list', type: { type: 'array', items: { type: 'map', values: 'string' } } },
    { name: 'tuple', type: { type: 'array', items: 'string' } },
    { name: 'udt', type: address },
    { name: 'frozen_udt', type: 'Address' },
    { name: 'udt_list', type: { type: 'array', items: 'Address' } },
    { name: 'vector', type: { type: 'array', items: 'float' } },
  ],
};
// Version 2 adds a field with a default (a BACKWARD-compatible change).
const everythingV2Schema = {
  ...everythingV1Schema,
  fields: [...everythingV1Schema.fields, { name: 'note', type: 'string', default: 'none' }],
};
const typeV1 = avsc.Type.forSchema(everythingV1Schema as avsc.Schema, { logicalTypes: avroLogicalTypes });
const typeV2 = avsc.Type.forSchema(everythingV2Schema as avsc.Schema, { logicalTypes: avroLogicalTypes });

const everything = {
  ascii: 'plain',
  text: 'héllo ✓',
  varchar: 'v',
  int: -42,
  bigint: 1234567890123456,
  smallint: 32767,
  tinyint: -128,
  varint: '123456789012345678901234567890',
  decimal: cassandra.types.BigDecimal.fromString('12345.6789'),
  float: 1.5,
  double: 2.25,
  boolean: true,
  timestamp: new Date('2026-03-01T10:15:30.123Z'),
  date: new cassandra.types.LocalDate(2026, 3, 1),
  time: cassandra.types.LocalTime.fromString('10:15:30.123456'),
  duration: '1h30m',
  uuid: '5b6f0c7e-3a52-4c1e-9a7e-0c5f1d2e3a4b',
  timeuuid: 'd2177dd0-eaa2-11de-a572-001b779c76e3',
  inet: '10.1.2.3',
  blob: Buffer.from('cafe', 'hex'),
  list: [3, 1, 2],
  set: ['b', 'a'],
  map: { x: 1.5, y: -2 },
  frozen_list: [{ 1: 'one' }, { 2: 'two' }],
  tuple: ['7', 'seven', 'true'],
  udt: { street: 'Main', zip: 12345, tags: ['home'] },
  frozen_udt: { street: 'Side', zip: null, tags: [] },
  udt_list: [{ street: 'A', zip: 1, tags: [] }],
  vector: [0.5, -1, 2],
};
const columns = Object.keys(everything);

const T0 = 1_760_000_000_000;
let nextOffset = 0;
interface Sent {
  readonly topic: string;
  readonly offset: number;
  readonly key: string;
  readonly value: Buffer;
}
const sent = (topic: string, key: string, value: Buffer): Sent => ({ topic, offset: nextOffset++, key, value });

function eventOf(records: readonly Sent[]): MskEvent {
  const byTopic = new Map<string, PolledRecord[]>();
  for (const r of records) {
    const list = byTopic.get(r.topic) ?? [];
    list.push({
      topic: r.topic,
      partition: 0,
      offset: BigInt(r.offset),
      timestamp: BigInt(T0 + r.offset),
      timestampType: 'CREATE_TIME',
      key: Buffer.from(r.key),
      value: r.value,
      headers: [],
    });
    byTopic.set(r.topic, list);
  }
  return JSON.parse(JSON.stringify(buildMskEvent([...byTopic.values()], { kind: 'msk', bootstrapServers: [endpoints.kafka] }))) as MskEvent;
}

async function createSchema(name: string, dataFormat: 'AVRO' | 'JSON' | 'PROTOBUF', definition: string): Promise<string> {
  const out = await glue.send(
    new CreateSchemaCommand({
      RegistryId: { RegistryName: registryName },
      SchemaName: name,
      DataFormat: dataFormat,
      Compatibility: 'BACKWARD',
      SchemaDefinition: definition,
    }),
  );
  if (out.SchemaVersionId === undefined) throw new Error('CreateSchema returned no version id');
  return out.SchemaVersionId;
}

beforeAll(async () => {
  await glue.send(new CreateRegistryCommand({ RegistryName: registryName }));
  everythingV1 = await createSchema('everything', 'AVRO', JSON.stringify(everythingV1Schema));
  const v2 = await glue.send(
    new RegisterSchemaVersionCommand({
      SchemaId: { RegistryName: registryName, SchemaName: 'everything' },
      SchemaDefinition: JSON.stringify(everythingV2Schema),
    }),
  );
  everythingV2 = v2.SchemaVersionId ?? '';
  protoV1 = await createSchema('orders-proto', 'PROTOBUF', protoText);
  jsonV1 = await createSchema(
    'orders',
    'JSON',
    JSON.stringify({ type: 'object', properties: { id: { type: 'integer' }, amount: { type: 'string' } } }),
  );

  // The sink's driver encoding: maps as Map, bigint as bigint, as the types test reads them.
  admin = localCassandraClient({ encoding: CQL_DRIVER_ENCODING });
  await admin.connect();
  await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE TYPE ${keyspace}.address (street text, zip int, tags frozen<set<text>>)`);
  await admin.execute(`CREATE TABLE ${keyspace}.everything (
      id text PRIMARY KEY, c_ascii ascii, c_text text, c_varchar varchar, c_int int, c_bigint bigint, c_smallint smallint,
      c_tinyint tinyint, c_varint varint, c_decimal decimal, c_float float, c_double double, c_boolean boolean,
      c_timestamp timestamp, c_date date, c_time time, c_duration duration, c_uuid uuid, c_timeuuid timeuuid, c_inet inet,
      c_blob blob, c_list list<int>, c_set set<text>, c_map map<text, double>, c_frozen_list frozen<list<frozen<map<int, text>>>>,
      c_tuple tuple<int, text, boolean>, c_udt address, c_frozen_udt frozen<address>, c_udt_list list<frozen<address>>,
      c_vector vector<float, 3>, c_note text)`);
  await admin.execute(`CREATE TABLE ${keyspace}.orders (id bigint PRIMARY KEY, amount decimal)`);
  dlqUrl = await createQueue(sqs, 'kcs-glue-dlq');
  const secretArn = await createSecret(sm, localCassandraCredentials, secrets);
  const everythingMapping = ['id=key', ...columns.map((name) => `c_${name}=value.${name}`), 'c_note=value.note'].join(', ');
  runtime = await createSinkRuntime({
    SINK_CONFIG: localSinkConfigText(secretArn, {
      [avroTopic]: {
        keyFormat: 'string',
        valueFormat: 'glue',
        glueSchemaRegistry: { registryName },
        tables: { [`${keyspace}.everything`]: { mapping: everythingMapping } },
      },
      [jsonTopic]: {
        keyFormat: 'string',
        valueFormat: 'glue',
        tables: { [`${keyspace}.orders`]: { mapping: 'id=value.id, amount=value.amount' } },
      },
    }),
    DLQ_URL: dlqUrl,
    AWS_LAMBDA_FUNCTION_NAME: 'kcs-it-glue',
    AWS_REGION: process.env.AWS_REGION,
  });
});

afterAll(async () => {
  await runtime?.close();
  await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await admin.shutdown();
  await deleteQueue(sqs, dlqUrl);
  await deleteSecrets(sm, secrets);
  await glue.send(new DeleteRegistryCommand({ RegistryId: { RegistryName: registryName } })).catch(() => undefined);
  glue.destroy();
  sqs.destroy();
  sm.destroy();
});

async function handle(records: readonly Sent[], edit: (event: MskEvent) => void = () => undefined): Promise<unknown> {
  if (runtime === undefined) throw new Error('no runtime');
  const event = eventOf(records);
  edit(event);
  return createSinkHandler(runtime)(event, lambdaContext(60_000));
}

describe("glue format against the emulator's Glue Schema Registry and Cassandra", () => {
  it('writes every CQL type from Glue Avro, compressed and not, across two schema versions', async () => {
    const plain = sent(avroTopic, 'plain', writeGlueEnvelope(everythingV1, typeV1.toBuffer(everything)));
    const zipped = sent(avroTopic, 'zipped', writeGlueEnvelope(everythingV1, typeV1.toBuffer(everything), { compress: true }));
    const evolved = sent(
      avroTopic,
      'evolved',
      writeGlueEnvelope(everythingV2, typeV2.toBuffer({ ...everything, note: 'v2' }), { compress: true }),
    );
    expect(await handle([plain, zipped, evolved])).toEqual({ batchItemFailures: [] });

    const rows = await admin.execute(`SELECT * FROM ${keyspace}.everything`);
    const byId = new Map(rows.rows.map((row) => [row.get('id') as string, row]));
    expect([...byId.keys()].sort()).toEqual(['evolved', 'plain', 'zipped']);
    for (const id of ['plain', 'zipped', 'evolved']) {
      const row = byId.get(id);
      if (row === undefined) throw new Error(`no row ${id}`);
      expect(row.get('c_ascii')).toBe('plain');
      expect(row.get('c_text')).toBe('héllo ✓');
      expect(row.get('c_int')).toBe(-42);
      expect(String(row.get('c_bigint'))).toBe('1234567890123456');
      expect(row.get('c_smallint')).toBe(32767);
      expect(row.get('c_tinyint')).toBe(-128);
      expect(String(row.get('c_varint'))).toBe('123456789012345678901234567890');
      expect(String(row.get('c_decimal'))).toBe('12345.6789');
      expect(row.get('c_float')).toBe(1.5);
      expect(row.get('c_double')).toBe(2.25);
      expect(row.get('c_boolean')).toBe(true);
      expect(row.get('c_timestamp')).toEqual(new Date('2026-03-01T10:15:30.123Z'));
      expect(String(row.get('c_date'))).toBe('2026-03-01');
      expect(String(row.get('c_time'))).toBe('10:15:30.123456');
      expect(row.get('c_duration')).toEqual(cassandra.types.Duration.fromString('1h30m'));
      expect(String(row.get('c_uuid'))).toBe(everything.uuid);
      expect(String(row.get('c_timeuuid'))).toBe(everything.timeuuid);
      expect(String(row.get('c_inet'))).toBe('10.1.2.3');
      expect(row.get('c_blob')).toEqual(Buffer.from('cafe', 'hex'));
      expect(row.get('c_list')).toEqual([3, 1, 2]);
      expect(row.get('c_set')).toEqual(['a', 'b']);
      expect(row.get('c_map')).toEqual(
        new Map([
          ['x', 1.5],
          ['y', -2],
        ]),
      );
      expect(row.get('c_frozen_list')).toEqual([new Map([[1, 'one']]), new Map([[2, 'two']])]);
      expect(row.get('c_tuple')).toEqual(new cassandra.types.Tuple(7, 'seven', true));
      expect(row.get('c_udt')).toEqual({ street: 'Main', zip: 12345, tags: ['home'] });
      expect(row.get('c_frozen_udt')).toEqual({ street: 'Side', zip: null, tags: null });
      expect(row.get('c_udt_list')).toEqual([{ street: 'A', zip: 1, tags: null }]);
      expect(Array.from(row.get('c_vector') as Float32Array)).toEqual([0.5, -1, 2]);
    }
    expect(byId.get('evolved')?.get('c_note')).toBe('v2');
    expect(byId.get('plain')?.get('c_note')).toBeNull();
  });

  it('writes Glue JSON Schema records, compressed and not', async () => {
    const records = [
      sent(jsonTopic, 'k1', writeGlueEnvelope(jsonV1, Buffer.from('{"id": 9223372036854775807, "amount": "12.50"}'))),
      sent(jsonTopic, 'k2', writeGlueEnvelope(jsonV1, Buffer.from('{"id": 2, "amount": "0.001"}'), { compress: true })),
    ];
    expect(await handle(records)).toEqual({ batchItemFailures: [] });
    const rows = await admin.execute(`SELECT id, amount FROM ${keyspace}.orders`);
    expect(new Map(rows.rows.map((row) => [String(row.get('id')), String(row.get('amount'))]))).toEqual(
      new Map([
        ['9223372036854775807', '12.50'],
        ['2', '0.001'],
      ]),
    );
  });

  it('reads what an event source mapping with the Glue registry delivers as SOURCE: the bytes without the prefix, the version in valueSchemaMetadata', async () => {
    const source = sent(jsonTopic, 'source', Buffer.from('{"id": 77, "amount": "7.70"}'));
    const response = await handle([source], (event) => {
      for (const list of Object.values(event.records))
        for (const record of list) Object.assign(record, { valueSchemaMetadata: { dataFormat: 'JSON', schemaId: jsonV1 } });
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const row = await admin.execute(`SELECT amount FROM ${keyspace}.orders WHERE id = 77`);
    expect(String(row.first().get('amount'))).toBe('7.70');
  });

  it('writes Glue Protobuf records: the message index varint selects the message (shop.Audit = 0, shop.Order = 1)', async () => {
    const orderType = protobuf.parse(protoText, { keepCase: true }).root.lookupType('shop.Order');
    const payload = Buffer.concat([Buffer.from([1]), orderType.encode(orderType.fromObject({ id: 41, amount: '4.10' })).finish()]);
    expect(await handle([sent(jsonTopic, 'p1', writeGlueEnvelope(protoV1, payload, { compress: true }))])).toEqual({
      batchItemFailures: [],
    });
    const row = await admin.execute(`SELECT amount FROM ${keyspace}.orders WHERE id = 41`);
    expect(String(row.first().get('amount'))).toBe('4.10');
  });

  it('dead-letters poison (unknown version id, wrong header byte, truncated, corrupt zlib) with an error naming the record', async () => {
    const good = writeGlueEnvelope(jsonV1, Buffer.from('{"id": 3, "amount": "1"}'));
    const wrongHeader = Buffer.from(good);
    wrongHeader[0] = 0;
    const corrupt = Buffer.concat([good.subarray(0, 18), Buffer.from('definitely not zlib')]);
    corrupt[1] = 5;
    const unknownVersion = '00000000-0000-4000-8000-000000000000';
    const poison = [
      sent(jsonTopic, 'unknown', writeGlueEnvelope(unknownVersion, Buffer.from('{"id": 4}'))),
      sent(jsonTopic, 'header', wrongHeader),
      sent(jsonTopic, 'short', good.subarray(0, 12)),
      sent(jsonTopic, 'zlib', corrupt),
    ];
    const fine = sent(jsonTopic, 'fine', good);
    expect(await handle([...poison, fine])).toEqual({ batchItemFailures: [] });
    const row = await admin.execute(`SELECT amount FROM ${keyspace}.orders WHERE id = 3`);
    expect(String(row.first().get('amount'))).toBe('1');

    const messages = await receiveAll(sqs, dlqUrl, poison.length, { remove: true });
    expect(messages).toHaveLength(poison.length);
    const letters = new Map<string, DeadLetterMessage>();
    for (const message of messages) {
      const letter = await readDeadLetterBody(message.Body ?? '', runtime?.s3);
      letters.set(Buffer.from(letter.record.key ?? '', 'base64').toString(), letter);
    }
    const expected: Record<string, RegExp> = {
      unknown: new RegExp(`no schema version ${unknownVersion}`),
      header: /does not start with the Glue schema registry header version byte 3 \(found 0\)/,
      short: /too short for the Glue schema registry wire format \(12 bytes/,
      zlib: /corrupt zlib payload/,
    };
    for (const record of poison) {
      const letter = letters.get(record.key);
      expect(letter, `dead letter for ${record.key}`).toBeDefined();
      expect(letter?.error.kind).toBe('poison');
      expect(letter?.error.message).toContain(`${jsonTopic}/0@${String(record.offset)}`);
      expect(letter?.error.message).toMatch(expected[record.key] ?? /never/);
      expect(Buffer.from(letter?.record.value ?? '', 'base64')).toEqual(record.value);
    }
  });
});
