import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../../lambdas/core/event/decode.js';
import type { KafkaHeader, KafkaRecord, SchemaMetadata } from '../../../lambdas/core/event/record.js';
import { encodeEvent, kafkaRecord } from '../../kit/index.js';

const topicName = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
const bytes = fc.uint8Array({ maxLength: 24 }).map((array) => Buffer.from(array));
const header = fc.record({ name: fc.string({ maxLength: 8 }), value: bytes }).map((h): KafkaHeader => h);
const schemaMetadata = fc
  .record({ dataFormat: fc.constantFrom('AVRO', 'PROTOBUF', 'JSON'), schemaId: fc.string({ minLength: 1, maxLength: 8 }) })
  .map((m): SchemaMetadata => m);

/** One partition's records: distinct offsets, ascending (decodeEvent's order). */
const partitionRecords = (topic: string, partition: number): fc.Arbitrary<KafkaRecord[]> =>
  fc.uniqueArray(fc.maxSafeNat(), { minLength: 1, maxLength: 4 }).chain((offsets) =>
    fc.tuple(
      ...[...offsets]
        .sort((a, b) => a - b)
        .map((offset) =>
          fc
            .record(
              {
                timestamp: fc.integer({ min: -1, max: 4_102_444_800_000 }),
                timestampType: fc.constantFrom('CREATE_TIME', 'LOG_APPEND_TIME', 'NO_TIMESTAMP_TYPE'),
                key: fc.option(bytes, { nil: null }),
                value: fc.option(bytes, { nil: null }),
                headers: fc.array(header, { maxLength: 3 }),
                keySchemaMetadata: schemaMetadata,
                valueSchemaMetadata: schemaMetadata,
              },
              { requiredKeys: ['timestamp', 'timestampType', 'key', 'value', 'headers'] },
            )
            .map((fields): KafkaRecord => ({ topic, partition, offset: String(offset), ...fields })),
        ),
    ),
  );

/** Records as decodeEvent returns them: grouped by distinct topic-partition, offsets ascending within each. */
const decodedRecords = fc
  .uniqueArray(fc.tuple(topicName, fc.integer({ min: 0, max: 2_147_483_647 })), {
    maxLength: 4,
    selector: ([topic, partition]) => `${topic}-${String(partition)}`,
  })
  .chain((partitions) =>
    partitions.length === 0
      ? fc.constant([] as KafkaRecord[][])
      : fc.tuple(...partitions.map(([topic, partition]) => partitionRecords(topic, partition))),
  )
  .map((groups) => groups.flat());

/** An event as the ESM sends it: signed header bytes, a null key or value left out, offsets ascending. */
const rawEvent = decodedRecords.chain((records) =>
  fc
    .record({
      kind: fc.constantFrom('msk' as const, 'self-managed' as const),
      servers: fc.array(fc.constantFrom('b1:9092', 'b2:9094'), { minLength: 1, maxLength: 2 }),
    })
    .map(({ kind, servers }) => {
      const byKey: Record<string, unknown[]> = {};
      for (const r of records) {
        (byKey[`${r.topic}-${String(r.partition)}`] ??= []).push({
          topic: r.topic,
          partition: r.partition,
          offset: Number(r.offset),
          timestamp: r.timestamp,
          timestampType: r.timestampType,
          ...(r.key === null ? {} : { key: r.key.toString('base64') }),
          ...(r.value === null ? {} : { value: r.value.toString('base64') }),
          headers: r.headers.map((h) => ({ [h.name]: [...h.value].map((b) => (b > 127 ? b - 256 : b)) })),
          ...(r.keySchemaMetadata === undefined ? {} : { keySchemaMetadata: r.keySchemaMetadata }),
          ...(r.valueSchemaMetadata === undefined ? {} : { valueSchemaMetadata: r.valueSchemaMetadata }),
        });
      }
      const source =
        kind === 'msk'
          ? { eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/x' }
          : { eventSource: 'SelfManagedKafka' };
      return { kind, servers, event: { ...source, bootstrapServers: servers.join(','), records: byKey } };
    }),
);

describe('the event encoder is the inverse of decodeEvent', () => {
  it('decodeEvent(encodeEvent(records)) is the records, for any records in decodeEvent’s order', () => {
    fc.assert(
      fc.property(decodedRecords, fc.constantFrom('omit' as const, 'null' as const), (records, tombstones) => {
        expect(decodeEvent(encodeEvent(records, { tombstones }))).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });

  it('encodeEvent(decodeEvent(event)) is the event, for any event as the ESM sends it', () => {
    fc.assert(
      fc.property(rawEvent, ({ kind, servers, event }) => {
        const eventSourceArn = (event as { eventSourceArn?: string }).eventSourceArn;
        const source = { kind, bootstrapServers: servers, ...(eventSourceArn === undefined ? {} : { eventSourceArn }) };
        expect(encodeEvent(decodeEvent(event), source)).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it('re-encodes the MSK fixture event as it is, each partition in offset order (the fixture lists one out of order)', () => {
    type Fixture = { eventSourceArn: string; bootstrapServers: string; records: Record<string, { offset: number }[]> };
    const fixture = JSON.parse(readFileSync(new URL('../../fixtures/events/msk.json', import.meta.url), 'utf8')) as Fixture;
    const inOrder = {
      ...fixture,
      records: Object.fromEntries(
        Object.entries(fixture.records).map(([key, list]) => [key, [...list].sort((a, b) => a.offset - b.offset)]),
      ),
    };
    expect(inOrder.records).not.toEqual(fixture.records);
    expect(
      encodeEvent(decodeEvent(fixture), { eventSourceArn: fixture.eventSourceArn, bootstrapServers: fixture.bootstrapServers.split(',') }),
    ).toEqual(inOrder);
  });

  it('groups records by partition in order of first appearance and sorts each by offset', () => {
    const at = (partition: number, offset: number) => kafkaRecord({ partition, offset: String(offset) });
    const event = encodeEvent([at(1, 7), at(0, 3), at(1, 2)]);
    expect(Object.keys(event.records)).toEqual(['orders-1', 'orders-0']);
    expect(decodeEvent(event).map((r) => `${String(r.partition)}@${r.offset}`)).toEqual(['1@2', '1@7', '0@3']);
  });

  it('writes a tombstone without value by default and with "value": null on request', () => {
    expect(encodeEvent([kafkaRecord()]).records['orders-0']?.[0]).not.toHaveProperty('value');
    expect(encodeEvent([kafkaRecord()], { tombstones: 'null' }).records['orders-0']?.[0]?.value).toBeNull();
  });

  it('refuses what an event cannot carry: an offset beyond 2^53 and a record rebuilt from a dead letter, naming the record', () => {
    expect(() => encodeEvent([kafkaRecord({ offset: '9007199254740993' })])).toThrow(
      /orders-0@9007199254740993: offset "9007199254740993"/,
    );
    expect(() => encodeEvent([kafkaRecord({ offset: '5', fromDeadLetter: true })])).toThrow(/orders-0@5 was rebuilt from a dead letter/);
  });
});
