import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { createDecoder, createRegistrySchemas } from '../../../lambdas/core/codecs/decoder.js';
import { protobufFormat } from '../../../lambdas/core/codecs/protobuf.js';
import type { RegisteredSchema, SchemaRegistry } from '../../../lambdas/core/codecs/schema-registry.js';
import { PoisonRecordError } from '../../../lambdas/core/errors.js';
import { encodeMessage, jsonWire, producerRoot, protobufWire, protoFixture } from '../../support/confluent-wire.js';

class FakeRegistry implements SchemaRegistry {
  constructor(private readonly schemas: Record<number, RegisteredSchema>) {}
  getSchema(id: number): Promise<string> {
    return this.getRegisteredSchema(id).then((schema) => schema.text);
  }
  getRegisteredSchema(id: number): Promise<RegisteredSchema> {
    const schema = this.schemas[id];
    return schema === undefined ? Promise.reject(new PoisonRecordError(`no schema ${id}`)) : Promise.resolve(schema);
  }
}

const everything: RegisteredSchema = {
  text: protoFixture('everything.proto'),
  schemaType: 'PROTOBUF',
  references: new Map([['shared/address.proto', protoFixture('address.proto')]]),
};
const root = producerRoot();

/** Always a Promise: a cached schema id decodes (and throws) synchronously. */
function protobufDecoder(schemas: Record<number, RegisteredSchema> = { 3: everything }): (bytes: Buffer) => Promise<unknown> {
  const decode = createDecoder('protobuf', { what: 'value', registrySchemas: createRegistrySchemas(new FakeRegistry(schemas)) });
  return async (bytes) => await decode(bytes);
}

describe('protobuf decoder (Confluent wire format)', () => {
  it('maps every field kind to the values the CQL converters take', async () => {
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
      status: 2,
      created_at: { seconds: 1_705_314_600, nanos: 123_456_789 },
      took: { seconds: 90, nanos: 5 },
      maybe_count: { value: '12345678901234567' },
      tags: ['a', 'b'],
      counters: { x: '9007199254740993' },
      names_by_id: { '9007199254740993': 'far' },
      address: { street: 'Main', zip: 1234 },
      history: [{ street: 'Old', zip: 1 }],
      delta: -3,
      fixed: '42',
    });
    const value = (await protobufDecoder()(protobufWire(3, [0], payload))) as Record<string, unknown>;
    expect(value).toMatchObject({
      id: 'e-1',
      small: -7,
      big: 9223372036854775807n,
      unsigned_big: 18446744073709551615n,
      signed_big: -9223372036854775808n,
      ratio: 0.5,
      precise: 0.1,
      active: true,
      payload: Buffer.from([0xca, 0xfe]),
      status: 'STATUS_GONE',
      created_at: new Date('2024-01-15T10:30:00.123Z'),
      maybe_count: 12345678901234567n,
      maybe_note: null,
      tags: ['a', 'b'],
      address: { street: 'Main', zip: 1234 },
      history: [{ street: 'Old', zip: 1 }],
      nickname: null,
      day: '',
      delta: -3,
      fixed: 42n,
    });
    expect(value.took).toBeInstanceOf(types.Duration);
    expect(String(value.took)).toBe('1m30s5ns');
    expect(value.counters).toEqual(new Map([['x', 9007199254740993n]]));
    expect(value.names_by_id).toEqual(new Map([[9007199254740993n, 'far']]));
  });

  it('selects nested and later messages by their index path, and the 0 shortcut', async () => {
    const decode = protobufDecoder();
    const deep = encodeMessage(root, 'shop.v1.Other.Deep', { label: 'x', at: '-5' });
    expect(await decode(protobufWire(3, [1, 0], deep))).toEqual({ label: 'x', at: -5n });
    const other = encodeMessage(root, 'shop.v1.Other', { n: 9 });
    expect(await decode(protobufWire(3, [1], other))).toEqual({ n: 9 });
    // Writers that spell [0] out in full (count 1, index 0) read like the shortcut.
    const first = encodeMessage(root, 'shop.v1.Everything', { id: 'long-form' });
    const longForm = Buffer.concat([protobufWire(3, [0], first).subarray(0, 5), Buffer.from([2, 0]), first]);
    expect(await decode(longForm)).toMatchObject({ id: 'long-form' });
  });

  it('decodes synchronously once the schema id is cached', async () => {
    const decode = createDecoder('protobuf', { registrySchemas: createRegistrySchemas(new FakeRegistry({ 3: everything })) });
    const bytes = protobufWire(3, [0], encodeMessage(root, 'shop.v1.Everything', { id: 'a' }));
    expect(decode(bytes)).toBeInstanceOf(Promise);
    await decode(bytes);
    expect(decode(bytes)).not.toBeInstanceOf(Promise);
  });

  it('rejects poison with the schema id, the message and the bytes', async () => {
    const decode = protobufDecoder();
    const good = protobufWire(3, [0], encodeMessage(root, 'shop.v1.Everything', { id: 'e-1', tags: ['a'] }));
    await expect(decode(good.subarray(0, good.length - 2))).rejects.toThrow(
      /value does not decode with Protobuf schema id 3 \(.*\) as Protobuf message shop\.v1\.Everything: <\d+ bytes 0x00000000030/,
    );
    await expect(decode(protobufWire(3, [5], Buffer.alloc(0)))).rejects.toThrow(
      /message index path \[5\] selects no message \(index 5 of 2\)/,
    );
    await expect(decode(Buffer.from([1, 0, 0, 0, 3, 0]))).rejects.toThrow(
      /does not start with the Confluent wire-format magic byte 0 \(found 1\)/,
    );
    await expect(decode(Buffer.from([0, 0, 0]))).rejects.toThrow(/too short for the Confluent Protobuf wire format \(3 bytes\)/);
    await expect(decode(protobufWire(9, [0], Buffer.alloc(0)))).rejects.toThrow(PoisonRecordError);
    await expect(decode(Buffer.from([0, 0, 0, 0, 3, 0x80]))).rejects.toThrow(/no readable Protobuf message indexes after schema id 3/);
  });

  it('rejects a schema of another type, and an import it cannot resolve', async () => {
    const decode = protobufDecoder({ 4: { text: '{"type":"string"}', schemaType: 'AVRO', references: new Map() } });
    await expect(decode(protobufWire(4, [0], Buffer.alloc(0)))).rejects.toThrow(
      /schema id 4 is a AVRO schema, but the format configured is protobuf/,
    );
    expect(() => protobufFormat.compile({ text: protoFixture('everything.proto') })).toThrow(
      /imports "shared\/address.proto", which is neither a well-known type nor one of the schema's references/,
    );
  });
});

describe('json-schema decoder (Confluent wire format)', () => {
  const schema: RegisteredSchema = { text: '{"title":"Order","type":"object"}', schemaType: 'JSON', references: new Map() };
  const decoder = createDecoder('json-schema', { what: 'key', registrySchemas: createRegistrySchemas(new FakeRegistry({ 8: schema })) });
  const decode = async (bytes: Buffer) => await decoder(bytes);

  it('reads the JSON after the header, long numbers exact', async () => {
    expect(await decode(Buffer.concat([jsonWire(8, {}).subarray(0, 5), Buffer.from('{"id": 9223372036854775807, "name": "x"}')]))).toEqual({
      id: 9223372036854775807n,
      name: 'x',
    });
  });

  it('rejects a payload that is not JSON, naming the schema', async () => {
    await expect(decode(Buffer.concat([jsonWire(8, {}).subarray(0, 5), Buffer.from('{"id":')]))).rejects.toThrow(
      /key does not decode with JSON Schema schema id 8 \(payload is not valid JSON .*\) as JSON Schema "Order"/,
    );
  });
});
