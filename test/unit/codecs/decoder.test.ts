import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { avroLogicalTypes } from '../../../lambdas/core/codecs/avro-logical.js';
import { createAvroSchemas, createDecoder, createHeaderDecoder, type Decoder } from '../../../lambdas/core/codecs/decoder.js';
import type { SchemaRegistry } from '../../../lambdas/core/codecs/schema-registry.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/avro/${name}`, import.meta.url), 'utf8');
const orderSchema = fixture('order.avsc');
const orderType = avsc.Type.forSchema(JSON.parse(orderSchema) as avsc.Schema, { logicalTypes: avroLogicalTypes });

class FakeRegistry implements SchemaRegistry {
  readonly calls: number[] = [];
  constructor(private readonly schemas: Record<number, string>) {}
  getSchema(id: number): Promise<string> {
    this.calls.push(id);
    const schema = this.schemas[id];
    return schema === undefined ? Promise.reject(new Error(`no schema ${id}`)) : Promise.resolve(schema);
  }
}

function wire(id: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, payload]);
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

async function decodeAll(decoder: Decoder, bytes: Buffer | null): Promise<unknown> {
  return await decoder(bytes);
}

describe('json, string and bytes decoders', () => {
  it('decode synchronously', () => {
    expect(createDecoder('json')(Buffer.from('{"a":[1,true,null]}'))).toEqual({ a: [1, true, null] });
    expect(createDecoder('string')(Buffer.from('héllo'))).toBe('héllo');
    const bytes = Buffer.from([1, 2]);
    expect(createDecoder('bytes')(bytes)).toBe(bytes);
    for (const format of ['json', 'string', 'bytes'] as const) expect(createDecoder(format)(null)).toBeNull();
  });

  it('keeps the digits of long JSON numbers', () => {
    const value = createDecoder('json')(Buffer.from('{"big": 9223372036854775807, "precise": 0.12345678901234567891, "small": 1.5}'));
    expect(value).toEqual({ big: 9223372036854775807n, precise: '0.12345678901234567891', small: 1.5 });
  });

  it('rejects invalid JSON as poison naming the text', () => {
    expect(() => createDecoder('json', { what: 'value' })(Buffer.from('{"a":'))).toThrow(PoisonRecordError);
    expect(() => createDecoder('json', { what: 'value' })(Buffer.from('{"a":'))).toThrow(/value is not valid JSON .*"\{\\"a\\":"/);
  });

  it('reads the JSON text an ESM schema-registry integration delivers (EventRecordFormat JSON)', () => {
    const event = JSON.parse(fixture('esm-schema-registry-json-event.json')) as {
      records: Record<string, { key: string; value: string; valueSchemaMetadata: { dataFormat: string } }[]>;
    };
    const record = event.records['orders-0']?.[0];
    expect(record?.valueSchemaMetadata.dataFormat).toBe('AVRO');
    const decode = createDecoder('json');
    expect(decode(Buffer.from(record?.value ?? '', 'base64'))).toEqual({
      id: 71,
      customer: 'ada',
      amount: '12.50',
      placed_at: 1705314600000,
      note: null,
      tags: ['new'],
    });
    expect(decode(Buffer.from(record?.key ?? '', 'base64'))).toBe(71);
  });
});

describe('avro decoder (Confluent wire format)', () => {
  it('fetches each schema id once and decodes synchronously once cached', async () => {
    const registry = new FakeRegistry({ 7: orderSchema });
    const schemas = createAvroSchemas(registry);
    const decode = createDecoder('avro', { avroSchemas: schemas });
    const bytes = wire(7, orderType.toBuffer(order));

    const [first, second] = await Promise.all([decodeAll(decode, bytes), decodeAll(decode, bytes)]);
    expect(registry.calls).toEqual([7]);
    expect(first).toMatchObject({ id: 71, customer: 'ada', note: null, tags: ['new'] });
    expect(second).toEqual(first);

    const third = decode(bytes);
    expect(third).not.toBeInstanceOf(Promise);
    const decoded = third as Record<string, unknown>;
    expect(String(decoded.amount)).toBe('12.50');
    expect(decoded.placed_at).toEqual(new Date('2024-01-15T10:30:00Z'));
    expect(String(decoded.ship_on)).toBe('2024-01-20');

    const keyDecoder = createDecoder('avro', { avroSchemas: schemas, what: 'key' });
    await decodeAll(keyDecoder, bytes);
    expect(registry.calls).toEqual([7]);
  });

  it('rejects a wrong magic byte as poison without asking the registry', () => {
    const registry = new FakeRegistry({ 7: orderSchema });
    const decode = createDecoder('avro', { avroSchemas: createAvroSchemas(registry) });
    const bytes = wire(7, orderType.toBuffer(order));
    bytes[0] = 1;
    expect(() => decode(bytes)).toThrow(PoisonRecordError);
    expect(() => decode(bytes)).toThrow(/magic byte 0 \(found 1\)/);
    expect(() => decode(Buffer.from([0, 0, 0]))).toThrow(/too short/);
    expect(registry.calls).toEqual([]);
  });

  it('rejects a truncated payload as poison naming the schema id', async () => {
    const decode = createDecoder('avro', { avroSchemas: createAvroSchemas(new FakeRegistry({ 7: orderSchema })) });
    const full = wire(7, orderType.toBuffer(order));
    await expect(decodeAll(decode, full.subarray(0, full.length - 3))).rejects.toThrow(
      /does not decode with Avro schema id 7 \(truncated buffer\)/,
    );
    expect(() => decode(full.subarray(0, full.length - 3))).toThrow(PoisonRecordError);
  });

  it('reports a registry failure as transient and fetches again next time', async () => {
    const registry = new FakeRegistry({});
    const decode = createDecoder('avro', { avroSchemas: createAvroSchemas(registry) });
    const bytes = wire(9, Buffer.from([0]));
    await expect(decodeAll(decode, bytes)).rejects.toBeInstanceOf(TransientError);
    await expect(decodeAll(decode, bytes)).rejects.toBeInstanceOf(TransientError);
    expect(registry.calls).toEqual([9, 9]);
  });

  it('rejects a schema avsc cannot use as poison', async () => {
    const decode = createDecoder('avro', { avroSchemas: createAvroSchemas(new FakeRegistry({ 3: '{"type":"nope"}' })) });
    await expect(decodeAll(decode, wire(3, Buffer.from([0])))).rejects.toThrow(/schema id 3 is not a usable Avro schema/);
  });
});

describe('header decoder', () => {
  it('reads headers as text or bytes', () => {
    const bytes = Buffer.from('trace-1');
    expect(createHeaderDecoder('string')(bytes)).toBe('trace-1');
    expect(createHeaderDecoder('bytes')(bytes)).toBe(bytes);
    expect(createHeaderDecoder('string')(null)).toBeNull();
  });
});
