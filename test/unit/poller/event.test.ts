import { describe, expect, it } from 'vitest';
import {
  buildMskEvent,
  encodeRecord,
  partitionKey,
  splitPartitionKey,
  toSignedBytes,
  type PolledRecord,
} from '../../../local/poller/event.js';

function record(overrides: Partial<PolledRecord> = {}): PolledRecord {
  return {
    topic: 'orders',
    partition: 0,
    offset: 15n,
    timestamp: 1_545_084_650_987n,
    timestampType: 'CREATE_TIME',
    key: Buffer.from('k1'),
    value: Buffer.from('{"a":1}'),
    headers: [],
    ...overrides,
  };
}

describe('MSK event builder', () => {
  it('encodes key and value as base64 and numbers as JSON numbers, in the AWS field order', () => {
    const encoded = encodeRecord(record());
    expect(encoded).toEqual({
      topic: 'orders',
      partition: 0,
      offset: 15,
      timestamp: 1_545_084_650_987,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('k1').toString('base64'),
      value: Buffer.from('{"a":1}').toString('base64'),
      headers: [],
    });
    expect(Object.keys(encoded)).toEqual(['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers']);
  });

  it('encodes binary values byte for byte', () => {
    const bytes = Buffer.from([0, 1, 0x7f, 0x80, 0xfe, 0xff]);
    const encoded = encodeRecord(record({ value: bytes }));
    expect(Buffer.from(encoded.value ?? '', 'base64')).toEqual(bytes);
  });

  it('omits a null key, and keeps an empty key as empty base64', () => {
    expect(encodeRecord(record({ key: null }))).not.toHaveProperty('key');
    expect(encodeRecord(record({ key: Buffer.alloc(0) })).key).toBe('');
  });

  it('omits the value of a tombstone by default, or sends null on request; an empty value stays ""', () => {
    expect(encodeRecord(record({ value: null }))).not.toHaveProperty('value');
    expect(encodeRecord(record({ value: null }), 'null').value).toBeNull();
    expect(encodeRecord(record({ value: Buffer.alloc(0) })).value).toBe('');
  });

  it('sends headers as Java signed bytes, in order, repeated names kept', () => {
    const encoded = encodeRecord(
      record({
        headers: [
          ['h', Buffer.from([0, 127, 128, 200, 255])],
          ['h', Buffer.from('x')],
          ['empty', Buffer.alloc(0)],
          ['nil', null],
        ],
      }),
    );
    expect(encoded.headers).toEqual([{ h: [0, 127, -128, -56, -1] }, { h: [120] }, { empty: [] }, { nil: [] }]);
    // Round trip as a decoder must do it.
    const first = encoded.headers[0]?.h ?? [];
    expect(Buffer.from(first.map((b) => b & 0xff))).toEqual(Buffer.from([0, 127, 128, 200, 255]));
    expect(toSignedBytes(Uint8Array.from([128, 255, 1]))).toEqual([-128, -1, 1]);
  });

  it('keys records "<topic>-<partition>", with topics containing "-", several partitions per event', () => {
    const a = [record({ topic: 'my-topic-v2', partition: 3, offset: 7n }), record({ topic: 'my-topic-v2', partition: 3, offset: 8n })];
    const b = [record({ topic: 'other', partition: 0, offset: 1n })];
    const event = buildMskEvent([a, b], {
      kind: 'msk',
      bootstrapServers: ['b1:9092', 'b2:9092'],
      eventSourceArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/x',
    });
    expect(event.eventSource).toBe('aws:kafka');
    expect(event.eventSourceArn).toBe('arn:aws:kafka:eu-west-1:1:cluster/c/x');
    expect(event.bootstrapServers).toBe('b1:9092,b2:9092');
    expect(Object.keys(event.records)).toEqual(['my-topic-v2-3', 'other-0']);
    expect(event.records['my-topic-v2-3']?.map((r) => r.offset)).toEqual([7, 8]);
    expect(splitPartitionKey('my-topic-v2-3')).toEqual({ topic: 'my-topic-v2', partition: 3 });
    expect(partitionKey('my-topic-v2', 3)).toBe('my-topic-v2-3');
    expect(splitPartitionKey('nodash')).toBeUndefined();
    expect(splitPartitionKey('t-01')).toBeUndefined();
  });

  it('builds a self-managed event without an ARN, and is JSON-stable', () => {
    const event = buildMskEvent([[record()]], { kind: 'self-managed', bootstrapServers: ['127.0.0.1:9092'] });
    expect(event).not.toHaveProperty('eventSourceArn');
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('refuses records out of order, under the wrong key, or a partition twice', () => {
    const source = { kind: 'msk', bootstrapServers: ['h:1'] } as const;
    expect(() => buildMskEvent([[record({ offset: 2n }), record({ offset: 1n })]], source)).toThrow(/offset order/);
    expect(() => buildMskEvent([[record(), record({ partition: 1, offset: 16n })]], source)).toThrow(/listed under/);
    expect(() => buildMskEvent([[record()], [record({ offset: 16n })]], source)).toThrow(/twice/);
  });
});
