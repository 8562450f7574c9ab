import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent, decodeEventWithSchema } from '../../../lambdas/core/event/decode.js';
import { decodeBase64, fastDecodeEnabled, fastDecodeEvent } from '../../../lambdas/core/event/fast-decode.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';

/*
 * decodeEvent checks events by hand on its hot path and asks the zod schema
 * only when that check is not sure. These properties show the hand check
 * accepts exactly what the zod schema accepts, and yields the same records,
 * on generated valid events and on valid events with one mutation anywhere.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const base64 = fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const topicName = fc.constantFrom('t', 'orders', 'orders-eu-1', 'a.b_c');
const schemaMetadata = fc.record(
  { dataFormat: fc.constantFrom('AVRO', 'PROTOBUF', 'JSON'), schemaId: fc.constantFrom('1', 'abc-123') },
  { requiredKeys: ['dataFormat', 'schemaId'] },
);

const recordFields = (topic: string, partition: number) =>
  fc.record(
    {
      topic: fc.constant(topic),
      partition: fc.constant(partition),
      offset: fc.nat({ max: 2 ** 40 }),
      timestamp: fc.integer({ min: -1, max: 2 ** 45 }),
      timestampType: fc.constantFrom('CREATE_TIME', 'LOG_APPEND_TIME', 'NO_TIMESTAMP_TYPE'),
      key: fc.option(base64, { nil: null }),
      value: fc.option(base64, { nil: null }),
      headers: fc.array(
        fc.dictionary(fc.constantFrom('h', 'trace-id', 'x'), fc.array(fc.integer({ min: -128, max: 255 }), { maxLength: 4 }), {
          maxKeys: 2,
        }),
        { maxLength: 2 },
      ),
      keySchemaMetadata: schemaMetadata,
      valueSchemaMetadata: schemaMetadata,
    },
    { requiredKeys: ['topic', 'partition', 'offset', 'timestamp', 'timestampType'] },
  );

const partitionRecords = fc
  .tuple(topicName, fc.nat({ max: 3 }))
  .chain(([topic, partition]) =>
    fc.tuple(fc.constant(`${topic}-${String(partition)}`), fc.array(recordFields(topic, partition), { maxLength: 4 })),
  );

const validEvent = fc.record(
  {
    eventSource: fc.constantFrom('aws:kafka', 'SelfManagedKafka'),
    eventSourceArn: fc.constant('arn:aws:kafka:us-east-1:123456789012:cluster/c/1'),
    bootstrapServers: fc.constant('b-1:9092,b-2:9092'),
    records: fc.array(partitionRecords, { maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
  },
  { requiredKeys: ['eventSource', 'records'] },
);

/** Values a mutation puts somewhere: wrong types, edge numbers, near-valid text and base64. */
const oddValue: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constantFrom<Json | undefined>(
    undefined,
    null,
    true,
    '',
    'x',
    'aws:sqs',
    'CREATE_TIMES',
    'AVRO',
    0,
    -1,
    1.5,
    -129,
    256,
    2 ** 53,
    -0,
    1e300,
    'not base64!',
    'AA=A',
    'AB-_',
    'QUJ\u0144',
    'A===',
    'QUJD',
    '__proto__',
    [],
    {},
    [1],
    { h: [1] },
  ),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value)) paths((value as Record<string, unknown>)[key], [...prefix, key], out);
  return out;
}

/** A deep copy of the event with one change at one path: a replaced value, a removed field, an added field or key. */
const mutatedEvent = fc
  .tuple(
    validEvent,
    fc.nat(),
    fc.constantFrom('replace', 'delete', 'add'),
    oddValue,
    fc.constantFrom('extra', '__proto__', 't-x', 'x-1', '0', 'h'),
  )
  .map(([event, pick, op, value, name]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    const all = paths(copy);
    const path = all[pick % all.length] as (string | number)[];
    if (path.length === 0) return op === 'replace' ? value : copy;
    let parent: unknown = copy;
    for (const part of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[part];
    const last = path[path.length - 1] as string | number;
    const target = parent as Record<string | number, unknown>;
    if (op === 'replace') target[last] = value;
    else if (op === 'delete') {
      if (Array.isArray(target)) target.splice(last as number, 1);
      else Reflect.deleteProperty(target, last);
    } else {
      const inner = target[last];
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
        Object.defineProperty(inner, name, { value, enumerable: true, writable: true, configurable: true });
      else target[last] = value;
    }
    return copy;
  });

function viaSchema(event: unknown): { records: KafkaRecord[] } | { error: string } {
  try {
    return { records: decodeEventWithSchema(event) };
  } catch (error) {
    return { error: String(error) };
  }
}

/** zod skips a `"__proto__"` key of a record-typed object (JSON.parse makes it an own key); the hot path may leave such events to zod. */
function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.hasOwn(value, '__proto__') || Object.values(value).some(hasProtoKey);
}

function agree(event: unknown): void {
  const fast = fastDecodeEvent(event);
  const reference = viaSchema(event);
  if ('error' in reference) expect(fast, `accepted what zod rejects: ${reference.error}`).toBeUndefined();
  else if (fast === undefined) expect(hasProtoKey(event), 'refused what zod accepts').toBe(true);
  else expect(fast).toEqual(reference.records);
}

describe('decodeEvent hot path', () => {
  it('is on: it checks every field of the zod event schema', () => {
    expect(fastDecodeEnabled).toBe(true);
  });

  it('accepts every valid event and yields the records the zod path yields', () => {
    fc.assert(fc.property(validEvent, agree), { numRuns: 1000 });
  }, 60_000);

  it('accepts and rejects exactly what the zod schema does on events with one mutation', () => {
    fc.assert(fc.property(mutatedEvent, agree), { numRuns: 3000 });
  }, 120_000);

  it('agrees on records out of offset order, a "__proto__" key, and an unknown field', () => {
    const rec = (offset: number) => ({ topic: 't', partition: 0, offset, timestamp: 0, timestampType: 'CREATE_TIME', value: 'AA==' });
    agree({ eventSource: 'SelfManagedKafka', records: { 't-0': [rec(10), rec(9), rec(100), rec(9)] }, newField: 1 });
    agree(JSON.parse('{"eventSource":"aws:kafka","records":{"__proto__":[]}}'));
    agree(
      JSON.parse(
        '{"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0,"offset":0,"timestamp":0,"timestampType":"CREATE_TIME","headers":[{"__proto__":[1]}]}]}}',
      ),
    );
    expect(decodeEvent({ eventSource: 'SelfManagedKafka', records: { 't-0': [rec(10), rec(9)] } }).map((r) => r.offset)).toEqual([
      '9',
      '10',
    ]);
  });

  it('errors through the zod path with the same messages', () => {
    const bad = {
      eventSource: 'aws:kafka',
      records: { 't-0': [{ topic: 't', partition: 0, offset: 0, timestamp: 0, timestampType: 'CREATE_TIME', value: 'not base64!' }] },
    };
    expect(() => decodeEvent(bad)).toThrow('malformed Kafka event: records["t-0"][0].value: expected base64 text, got "not base64!"');
  });
});

describe('decodeBase64', () => {
  // The schema's language: standard alphabet, at most two trailing `=`, whole 4-character groups.
  const SCHEMA_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

  it('accepts exactly the base64 text the schema accepts, and decodes it', () => {
    const alphabet = fc.constantFrom(...'AZaz09+/=-_ \n.\u0000\u00e9\u0141\u0144\u4141'.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 14 }).map((chars) => chars.join('')),
        (text) => {
          const decoded = decodeBase64(text);
          expect(decoded !== false, JSON.stringify(text)).toBe(SCHEMA_BASE64.test(text));
          if (decoded !== false) expect(decoded).toEqual(Buffer.from(text, 'base64'));
        },
      ),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(Buffer.from(bytes));
      }),
    );
    for (const text of ['', 'AA==', 'AAA=', 'AAAA', 'A===', 'AA=A', 'AAA', '====', 'AAAA=', 'ŁŁŁŁ', 'QUJń', '䅁䅁䅁䅁', 'AB-_'])
      expect(decodeBase64(text) !== false, text).toBe(SCHEMA_BASE64.test(text));
    expect(decodeBase64(null)).toBeNull();
    expect(decodeBase64(undefined)).toBeNull();
    expect(decodeBase64(42)).toBe(false);
  }, 60_000);
});
