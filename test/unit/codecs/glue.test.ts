import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import avsc from 'avsc';
import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { avroLogicalTypes } from '../../../lambdas/core/codecs/avro-logical.js';
import { createDecoder } from '../../../lambdas/core/codecs/decoder.js';
import { GlueSchemas } from '../../../lambdas/core/codecs/glue.js';
import type { GlueSchemaRegistry, GlueSchemaVersion } from '../../../lambdas/core/codecs/glue-registry.js';
import { readGlueEnvelope, uuidFromBytes, writeGlueEnvelope } from '../../../lambdas/core/codecs/glue-wire.js';
import { ConfigError, PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';

const orderSchema = readFileSync(new URL('../../fixtures/avro/order.avsc', import.meta.url), 'utf8');
const orderType = avsc.Type.forSchema(JSON.parse(orderSchema) as avsc.Schema, { logicalTypes: avroLogicalTypes });
const AVRO_V1 = '0b5c1e7a-3f2d-4c8b-9a61-2f3e4d5c6b7a';
const JSON_V1 = '7f8e9d0c-1b2a-4938-8776-655443322110';
const PROTO_V1 = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

class FakeGlue implements GlueSchemaRegistry {
  readonly calls: string[] = [];
  constructor(private readonly versions: Record<string, GlueSchemaVersion | Error>) {}
  async getSchemaVersion(versionId: string): Promise<GlueSchemaVersion> {
    this.calls.push(versionId);
    await Promise.resolve();
    const found = this.versions[versionId];
    if (found === undefined) throw new PoisonRecordError(`no schema version ${versionId}`);
    if (found instanceof Error) throw found;
    return found;
  }
}

const order = {
  id: 71,
  customer: 'ada',
  amount: types.BigDecimal.fromString('12.50'),
  placed_at: new Date('2024-01-15T10:30:00Z'),
  ship_on: new types.LocalDate(2024, 1, 20),
  note: null,
  tags: ['new'],
};

function glueDecoder(registry: GlueSchemaRegistry, options: ConstructorParameters<typeof GlueSchemas>[1] = {}) {
  return createDecoder('glue', { glueSchemas: new GlueSchemas(registry, options) });
}

describe('Glue wire format', () => {
  it('frames and reads back: header byte 3, compression byte, the 16-byte version id, the payload', () => {
    const framed = writeGlueEnvelope(AVRO_V1, Buffer.from('hello'));
    expect(framed[0]).toBe(3);
    expect(framed[1]).toBe(0);
    expect(uuidFromBytes(framed.subarray(2, 18))).toBe(AVRO_V1);
    expect(framed.subarray(18).toString()).toBe('hello');
    const compressed = writeGlueEnvelope(AVRO_V1, Buffer.from('hello hello hello'), { compress: true });
    expect(compressed[1]).toBe(5);
    expect(zlib.inflateSync(compressed.subarray(18)).toString()).toBe('hello hello hello');
    expect(readGlueEnvelope(compressed, 'value')).toEqual({ versionId: AVRO_V1, payload: Buffer.from('hello hello hello') });
  });

  it('rejects a wrong header byte, an unknown compression byte, a truncated header and corrupt zlib as poison naming the bytes', () => {
    const good = writeGlueEnvelope(AVRO_V1, Buffer.from('x'));
    const wrongHeader = Buffer.from(good);
    wrongHeader[0] = 0;
    expect(() => readGlueEnvelope(wrongHeader, 'value')).toThrow(
      /value does not start with the Glue schema registry header version byte 3 \(found 0\)/,
    );
    const wrongCompression = Buffer.from(good);
    wrongCompression[1] = 9;
    expect(() => readGlueEnvelope(wrongCompression, 'key')).toThrow(/key has an unknown Glue compression byte 9/);
    expect(() => readGlueEnvelope(good.subarray(0, 10), 'value')).toThrow(
      /value is too short for the Glue schema registry wire format \(10 bytes/,
    );
    const corrupt = Buffer.concat([good.subarray(0, 18), Buffer.from('not zlib at all')]);
    corrupt[1] = 5;
    expect(() => readGlueEnvelope(corrupt, 'value')).toThrow(PoisonRecordError);
    expect(() => readGlueEnvelope(corrupt, 'value')).toThrow(new RegExp(`value has a corrupt zlib payload \\(schema version ${AVRO_V1}`));
  });
});

describe('glue decoder', () => {
  it('decodes Avro, compressed or not, fetching each schema version once for concurrent records', async () => {
    const registry = new FakeGlue({ [AVRO_V1]: { dataFormat: 'AVRO', definition: orderSchema } });
    const decode = glueDecoder(registry);
    const payload = orderType.toBuffer(order);
    const [plain, compressed] = await Promise.all([
      decode(writeGlueEnvelope(AVRO_V1, payload)),
      decode(writeGlueEnvelope(AVRO_V1, payload, { compress: true })),
    ]);
    expect(plain).toEqual(order);
    expect(compressed).toEqual(order);
    expect(registry.calls).toEqual([AVRO_V1]);
    // cached: synchronous from now on
    expect(decode(writeGlueEnvelope(AVRO_V1, payload))).toEqual(order);
    expect(decode(null)).toBeNull();
  });

  it('reads each record with its own schema version (schema evolution)', async () => {
    const v2Schema = JSON.stringify({
      ...(JSON.parse(orderSchema) as object),
      fields: [...(JSON.parse(orderSchema) as { fields: object[] }).fields, { name: 'channel', type: 'string', default: 'web' }],
    });
    const v2 = '11111111-2222-4333-8444-555555555555';
    const v2Type = avsc.Type.forSchema(JSON.parse(v2Schema) as avsc.Schema, { logicalTypes: avroLogicalTypes });
    const decode = glueDecoder(
      new FakeGlue({ [AVRO_V1]: { dataFormat: 'AVRO', definition: orderSchema }, [v2]: { dataFormat: 'AVRO', definition: v2Schema } }),
    );
    expect(await decode(writeGlueEnvelope(AVRO_V1, orderType.toBuffer(order)))).toEqual(order);
    expect(await decode(writeGlueEnvelope(v2, v2Type.toBuffer({ ...order, channel: 'app' })))).toEqual({ ...order, channel: 'app' });
  });

  it('decodes JSON Schema records as JSON text, long numbers kept exact', async () => {
    const decode = glueDecoder(new FakeGlue({ [JSON_V1]: { dataFormat: 'JSON', definition: '{"type":"object"}' } }));
    const text = '{"id": 9223372036854775807, "name": "ada"}';
    expect(await decode(writeGlueEnvelope(JSON_V1, Buffer.from(text), { compress: true }))).toEqual({
      id: 9223372036854775807n,
      name: 'ada',
    });
    // cached now: the failure is synchronous
    expect(() => decode(writeGlueEnvelope(JSON_V1, Buffer.from('{"id":')))).toThrow(/value is not valid JSON/);
  });

  it('refuses a data format it has no compiler for, and uses one when given', async () => {
    const registry = new FakeGlue({ [PROTO_V1]: { dataFormat: 'XML', definition: '<schema/>' } });
    await expect(glueDecoder(registry)(writeGlueEnvelope(PROTO_V1, Buffer.from([0])))).rejects.toThrow(
      /data format "XML", which this sink cannot read \(it reads AVRO, JSON, PROTOBUF\)/,
    );
    const decode = glueDecoder(registry, {
      compilers: { XML: (definition) => (payload) => ({ definition: definition.length, bytes: payload.length }) },
    });
    expect(await decode(writeGlueEnvelope(PROTO_V1, Buffer.from([0, 1, 2])))).toEqual({ definition: 9, bytes: 3 });
  });

  it('unknown version ids are poison, registry failures keep their kind, other failures are transient and not cached', async () => {
    const failing = '99999999-9999-4999-8999-999999999999';
    const denied = '88888888-8888-4888-8888-888888888888';
    const registry = new FakeGlue({ [failing]: new Error('socket hang up'), [denied]: new ConfigError('access denied') });
    const decode = glueDecoder(registry);
    await expect(decode(writeGlueEnvelope(AVRO_V1, Buffer.from([1])))).rejects.toThrow(PoisonRecordError);
    await expect(decode(writeGlueEnvelope(denied, Buffer.from([1])))).rejects.toThrow(ConfigError);
    await expect(decode(writeGlueEnvelope(failing, Buffer.from([1])))).rejects.toThrow(TransientError);
    await expect(decode(writeGlueEnvelope(failing, Buffer.from([1])))).rejects.toThrow(
      /fetching schema version 99999999-9999-4999-8999-999999999999 failed: socket hang up/,
    );
    expect(registry.calls.filter((id) => id === failing)).toHaveLength(2);
  });

  it('a payload that does not fit its schema, or an unusable schema, is poison naming the version', async () => {
    const broken = '12345678-1234-4234-8234-123456789012';
    const decode = glueDecoder(
      new FakeGlue({
        [AVRO_V1]: { dataFormat: 'AVRO', definition: orderSchema },
        [broken]: { dataFormat: 'AVRO', definition: '{"type":"nope"}' },
      }),
    );
    await expect(decode(writeGlueEnvelope(AVRO_V1, Buffer.from([0xff])))).rejects.toThrow(
      new RegExp(`value does not decode with glue schema version ${AVRO_V1}`),
    );
    await expect(decode(writeGlueEnvelope(broken, Buffer.from([0])))).rejects.toThrow(
      new RegExp(`glue schema version ${broken} is not a usable AVRO schema`),
    );
  });
});

describe('records an event source mapping delivers as SOURCE (prefix removed, schema in the metadata)', () => {
  it('glue reads the unframed bytes with the version id of the metadata', async () => {
    const decode = glueDecoder(new FakeGlue({ [AVRO_V1]: { dataFormat: 'AVRO', definition: orderSchema } }));
    expect(await decode(orderType.toBuffer(order), { dataFormat: 'AVRO', schemaId: AVRO_V1.toUpperCase() })).toEqual(order);
    expect(() => decode(orderType.toBuffer(order), { dataFormat: 'AVRO', schemaId: '7' })).toThrow(
      /valueSchemaMetadata.schemaId "7" is not a Glue schema version id/,
    );
  });

  it('avro (Confluent) reads the unframed bytes with the integer schema id of the metadata', async () => {
    const { createAvroSchemas } = await import('../../../lambdas/core/codecs/decoder.js');
    const decode = createDecoder('avro', {
      what: 'key',
      avroSchemas: createAvroSchemas({ getSchema: (id) => (id === 7 ? Promise.resolve(orderSchema) : Promise.reject(new Error('no'))) }),
    });
    expect(await decode(orderType.toBuffer(order), { dataFormat: 'AVRO', schemaId: '7' })).toEqual(order);
    expect(() => decode(orderType.toBuffer(order), { dataFormat: 'AVRO', schemaId: AVRO_V1 })).toThrow(
      /keySchemaMetadata.schemaId .* is not a Confluent schema id/,
    );
  });

  it('json ignores the metadata (EventRecordFormat JSON has already decoded the record)', () => {
    expect(createDecoder('json')(Buffer.from('{"a":1}'), { dataFormat: 'AVRO', schemaId: '7' })).toEqual({ a: 1 });
  });
});

describe('glue Protobuf (message index varint, then the message)', () => {
  const proto = `syntax = "proto3";
package shop;
message Order {
  int64 id = 1;
  string customer = 2;
  message Line { string sku = 1; int32 qty = 2; }
  repeated Line lines = 3;
}
message Customer { string name = 1; }
`;
  it('indexes every message, nested ones included, sorted by full name, and decodes the one the index names', async () => {
    const { glueMessagePaths } = await import('../../../lambdas/core/codecs/glue-protobuf.js');
    // shop.Customer, shop.Order, shop.Order.Line
    expect(glueMessagePaths(proto)).toEqual([[1], [0], [0, 0]]);
    const protobuf = (await import('protobufjs')).default;
    const root = protobuf.parse(proto, { keepCase: true }).root;
    const orderType = root.lookupType('shop.Order');
    const customerType = root.lookupType('shop.Customer');
    const order = orderType.encode(orderType.fromObject({ id: 7, customer: 'ada', lines: [{ sku: 'a', qty: 2 }] })).finish();
    const customer = customerType.encode(customerType.fromObject({ name: 'ada' })).finish();
    const decode = glueDecoder(new FakeGlue({ [PROTO_V1]: { dataFormat: 'PROTOBUF', definition: proto } }));
    const decodedOrder = (await decode(
      writeGlueEnvelope(PROTO_V1, Buffer.concat([Buffer.from([1]), order]), { compress: true }),
    )) as Record<string, unknown>;
    expect(decodedOrder.customer).toBe('ada');
    expect(String(decodedOrder.id)).toBe('7');
    expect(decodedOrder.lines).toEqual([{ sku: 'a', qty: 2 }]);
    expect(decode(writeGlueEnvelope(PROTO_V1, Buffer.concat([Buffer.from([0]), customer])))).toEqual({ name: 'ada' });
    expect(() => decode(writeGlueEnvelope(PROTO_V1, Buffer.concat([Buffer.from([5]), customer])))).toThrow(
      /Glue message index 5 selects no message \(the schema has 3\)/,
    );
  });
});
