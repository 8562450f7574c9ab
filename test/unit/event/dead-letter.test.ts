import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_TYPE,
  deadLetterFor,
  deadLetterToRecord,
  encodeDeadLetter,
  parseDeadLetterEnvelope,
  parseDeadLetterMessage,
} from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import { decodeEvent } from '../../../lambdas/core/event/decode.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8')) as unknown;
const origin = { functionName: 'sink', functionVersion: '7' };
const now = new Date('2026-03-01T10:00:00.000Z');

function roundTrip(record: KafkaRecord): KafkaRecord {
  const message = encodeDeadLetter(deadLetterFor(record, ['ks.t'], new PoisonRecordError('bad')), origin, now);
  return deadLetterToRecord(parseDeadLetterMessage(JSON.stringify(message)));
}

describe('dead-letter messages', () => {
  it('encode every field of the record, the error, the tables and where it failed', () => {
    const [record] = decodeEvent(fixture('schema-metadata.json'));
    if (!record) throw new Error('fixture');
    const first = new Date('2026-02-01T00:00:00.000Z');
    const message = encodeDeadLetter(
      deadLetterFor(record, ['shop.payments', 'shop.audit'], new PoisonRecordError('amount: not a decimal'), 3, first),
      origin,
      now,
    );
    expect(message).toEqual({
      type: DEAD_LETTER_TYPE,
      version: 1,
      record: {
        topic: 'payments',
        partition: 0,
        offset: '100',
        timestamp: 1700000000000,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('p-1').toString('base64'),
        value: Buffer.from('{"amount":5}').toString('base64'),
        headers: [],
        keySchemaMetadata: { dataFormat: 'AVRO', schemaId: 'a1b2c3d4-5678-90ab-cdef-1234567890ab' },
        valueSchemaMetadata: { dataFormat: 'JSON', schemaId: 'f1e2d3c4-5678-90ab-cdef-1234567890ab' },
      },
      targetTables: ['shop.payments', 'shop.audit'],
      error: { kind: 'poison', name: 'PoisonRecordError', message: 'amount: not a decimal' },
      attempt: 3,
      function: { name: 'sink', version: '7' },
      firstFailedAt: '2026-02-01T00:00:00.000Z',
      failedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('round-trip tombstones, missing keys and signed header bytes exactly', () => {
    for (const name of ['tombstone.json', 'self-managed.json', 'negative-header-bytes.json', 'msk.json']) {
      for (const record of decodeEvent(fixture(name))) expect(roundTrip(record)).toEqual({ ...record, fromDeadLetter: true });
    }
  });

  it('round-trip arbitrary bytes (property)', () => {
    const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(
        fc.record({
          topic: fc.stringMatching(/^[a-zA-Z0-9._-]{1,20}$/),
          partition: fc.nat(1000),
          offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
          timestamp: fc.integer({ min: 0, max: 4102444800000 }),
          timestampType: fc.constantFrom('CREATE_TIME' as const, 'LOG_APPEND_TIME' as const),
          key: fc.option(bytes, { nil: null }),
          value: fc.option(bytes, { nil: null }),
          headers: fc.array(fc.record({ name: fc.string(), value: bytes }), { maxLength: 4 }),
        }),
        (record) => {
          expect(roundTrip(record)).toEqual({ ...record, fromDeadLetter: true });
        },
      ),
    );
  });

  it('classify errors by kind; anything else is poison', () => {
    const [record] = decodeEvent(fixture('tombstone.json'));
    if (!record) throw new Error('fixture');
    expect(deadLetterFor(record, [], new TransientError('x')).error.kind).toBe('transient');
    expect(deadLetterFor(record, [], new TypeError('y')).error).toEqual({ kind: 'poison', name: 'TypeError', message: 'y' });
    expect(deadLetterFor(record, [], 'weird').error).toEqual({ kind: 'poison', name: 'Error', message: '"weird"' });
  });

  it('parse pointers', () => {
    const pointer = {
      type: 'kafka-cql-sink.dead-letter-pointer',
      version: 1,
      record: { topic: 't', partition: 0, offset: '5' },
      error: { kind: 'poison', message: 'm' },
      s3: { bucket: 'b', key: 'k' },
      size: 2_000_000,
    };
    expect(parseDeadLetterEnvelope(JSON.stringify(pointer))).toEqual(pointer);
    expect(() => parseDeadLetterMessage(pointer)).toThrow(/pointer/);
  });

  it('reject bodies that are not ours, saying why', () => {
    expect(() => parseDeadLetterEnvelope('{nope')).toThrow(PoisonRecordError);
    expect(() => parseDeadLetterEnvelope('{nope')).toThrow(/not JSON/);
    expect(() => parseDeadLetterEnvelope({ type: DEAD_LETTER_TYPE, version: 2 })).toThrow(/version/);
    const [record] = decodeEvent(fixture('tombstone.json'));
    if (!record) throw new Error('fixture');
    const message = encodeDeadLetter(deadLetterFor(record, [], new Error('e')), origin, now);
    expect(() => parseDeadLetterEnvelope({ ...message, record: { ...message.record, key: '***' } })).toThrow(
      /record\.key: expected base64/,
    );
  });
});
