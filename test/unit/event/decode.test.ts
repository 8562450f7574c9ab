import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { MalformedEventError, decodeEvent, parseKafkaEvent, splitTopicPartition } from '../../../lambdas/core/event/decode.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8')) as unknown;

function malformed(name: string): MalformedEventError {
  try {
    decodeEvent(fixture(name));
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedEventError);
    expect(error).toBeInstanceOf(ConfigError);
    return error as MalformedEventError;
  }
  throw new Error(`${name} decoded without error`);
}

describe('splitTopicPartition', () => {
  it('splits on the last dash, so topics may contain dashes', () => {
    expect(splitTopicPartition('orders-eu-1-0')).toEqual({ topic: 'orders-eu-1', partition: 0 });
    expect(splitTopicPartition('a-12')).toEqual({ topic: 'a', partition: 12 });
    expect(splitTopicPartition('-a-3')).toEqual({ topic: '-a', partition: 3 });
    expect(splitTopicPartition('orders--1')).toEqual({ topic: 'orders-', partition: 1 });
  });

  it('rejects keys without a topic or a partition number', () => {
    for (const key of ['orders', '-0', 'orders-', 'orders-x', 'orders-01', 'orders-99999999999']) {
      expect(splitTopicPartition(key), key).toBeUndefined();
    }
  });
});

describe('decodeEvent', () => {
  it('decodes an MSK event: partitions in event order, offsets ascending, bytes decoded', () => {
    const records = decodeEvent(fixture('msk.json'));
    expect(records.map((r) => `${r.topic}/${r.partition}@${r.offset}`)).toEqual([
      'orders-eu-1/0@15',
      'orders-eu-1/0@16',
      'orders-eu-1/1@3',
    ]);
    const first = records[0];
    expect(first?.key?.toString()).toBe('order-1');
    expect(JSON.parse(first?.value?.toString() ?? 'null')).toEqual({ id: 1, total: '12.00' });
    expect(first?.timestamp).toBe(1545084650987);
    expect(first?.timestampType).toBe('CREATE_TIME');
    expect(records[1]?.headers).toEqual([{ name: 'source', value: Buffer.from('web') }]);
    expect(records[2]?.timestampType).toBe('LOG_APPEND_TIME');
    expect(first).not.toHaveProperty('keySchemaMetadata');
  });

  it('decodes a self-managed event: no key, repeated header names kept in order', () => {
    const [record, ...rest] = decodeEvent(fixture('self-managed.json'));
    expect(rest).toHaveLength(0);
    expect(record?.key).toBeNull();
    expect(record?.offset).toBe('1024');
    expect(record?.headers).toEqual([
      { name: 'trace-id', value: Buffer.from('abc') },
      { name: 'trace-id', value: Buffer.from('d') },
    ]);
  });

  it('keeps a null value as a tombstone', () => {
    const [record] = decodeEvent(fixture('tombstone.json'));
    expect(record?.value).toBeNull();
    expect(record?.key?.toString()).toBe('user-42');
  });

  it('reads a record without a value field (how the ESM sends tombstones) as a tombstone', () => {
    const [record] = decodeEvent(fixture('tombstone-omitted-value.json'));
    expect(record?.value).toBeNull();
    expect(record?.offset).toBe('8');
  });

  it('turns Java signed header bytes into unsigned bytes; an empty key is zero bytes', () => {
    const [record] = decodeEvent(fixture('negative-header-bytes.json'));
    expect(record?.headers[0]?.value).toEqual(Buffer.from([0xff, 0x80, 0x7f, 0x00, 0x01]));
    expect(record?.headers[1]).toEqual({ name: 'content-type', value: Buffer.from('app') });
    expect(record?.key).toEqual(Buffer.alloc(0));
  });

  it('carries key and value schema metadata', () => {
    const [record] = decodeEvent(fixture('schema-metadata.json'));
    expect(record?.keySchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: 'a1b2c3d4-5678-90ab-cdef-1234567890ab' });
    expect(record?.valueSchemaMetadata).toEqual({ dataFormat: 'JSON', schemaId: 'f1e2d3c4-5678-90ab-cdef-1234567890ab' });
  });

  it('ignores fields it does not know (AWS adds fields over time)', () => {
    const event = fixture('tombstone.json') as { records: Record<string, Record<string, unknown>[]> };
    const record = event.records['users-0']?.[0];
    if (record) record.someFutureField = { a: 1 };
    expect(decodeEvent({ ...event, anotherNewField: true })).toHaveLength(1);
  });

  it('accepts an event with no records', () => {
    expect(decodeEvent({ eventSource: 'SelfManagedKafka', records: {} })).toEqual([]);
  });

  it('sorts offsets numerically, not as text', () => {
    const value = Buffer.from('x').toString('base64');
    const rec = (offset: number) => ({ topic: 't', partition: 0, offset, timestamp: 0, timestampType: 'CREATE_TIME', value, headers: [] });
    const records = decodeEvent({ eventSource: 'SelfManagedKafka', records: { 't-0': [rec(10), rec(9), rec(100)] } });
    expect(records.map((r) => r.offset)).toEqual(['9', '10', '100']);
  });
});

describe('malformed events', () => {
  it('names the path and the value of bad base64', () => {
    const error = malformed('malformed-bad-base64.json');
    expect(error.message).toContain('records["t-0"][0].value');
    expect(error.message).toContain('base64');
    expect(error.message).toContain('"not base64!"');
  });

  it('rejects a record filed under another topic-partition key', () => {
    const error = malformed('malformed-key-mismatch.json');
    expect(error.message).toContain('records["orders-eu-1-0"][0]');
    expect(error.message).toContain('"orders-eu-10"');
  });

  it('rejects a header byte out of range', () => {
    const error = malformed('malformed-header-byte.json');
    expect(error.message).toContain('records["t-0"][0].headers[0].h[1]');
    expect(error.message).toContain('300');
  });

  it('rejects an event without records', () => {
    expect(malformed('malformed-no-records.json').message).toContain('records');
  });

  it('rejects another event source', () => {
    const error = malformed('malformed-event-source.json');
    expect(error.message).toContain('eventSource');
    expect(error.message).toContain('"aws:sqs"');
  });

  it('rejects a records key without a partition', () => {
    expect(malformed('malformed-bad-key.json').message).toContain('"nopartition"');
  });

  it('rejects something that is not an event at all', () => {
    expect(() => parseKafkaEvent('hello')).toThrow(/malformed Kafka event: \(event\)/);
    expect(() => parseKafkaEvent(null)).toThrow(MalformedEventError);
  });

  it('lists every problem, not only the first', () => {
    const bad = {
      eventSource: 'x',
      records: { 't-0': [{ topic: 't', partition: 0, offset: -1, timestamp: 0, timestampType: 'NOPE', value: null }] },
    };
    const error = (() => {
      try {
        parseKafkaEvent(bad);
      } catch (e) {
        return e as MalformedEventError;
      }
      throw new Error('no error');
    })();
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
  });
});
