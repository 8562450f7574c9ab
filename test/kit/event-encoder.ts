/**
 * The event encoder: the exact inverse of the core's `decodeEvent`
 * (lambdas/core/event/decode.ts). `decodeEvent(encodeEvent(records))` equals
 * `records` whenever they are in the order decodeEvent returns (grouped by
 * partition, offsets ascending); `encodeEvent(decodeEvent(event))` equals an
 * event as the ESM sends it (test/kit/event-encoder.test.ts checks both on
 * random input). Bytes are encoded as the local poller encodes them
 * (local/poller/event.ts): base64 keys and values, signed-byte headers.
 */
import type { KafkaEvent, KafkaEventRecord } from '../../lambdas/core/event/schema.js';
import type { KafkaRecord } from '../../lambdas/core/event/record.js';
import { LOCAL_MSK_CLUSTER_ARN, partitionKey, toSignedBytes } from '../../local/poller/event.js';
import { endpoints } from '../../local/services/paths.js';

export interface EventSourceOptions {
  /** `msk` (default): `eventSource: "aws:kafka"` with an `eventSourceArn`; `self-managed`: `"SelfManagedKafka"` without one. */
  readonly kind?: 'msk' | 'self-managed';
  /** Default: a well-formed local cluster ARN. */
  readonly eventSourceArn?: string;
  /** Default: the local Kafka. */
  readonly bootstrapServers?: readonly string[];
  /** A tombstone without `value` (`omit`, default, as the ESM sends it) or with `"value": null`. */
  readonly tombstones?: 'omit' | 'null';
}

/** One record as the event carries it. */
export function encodeEventRecord(record: KafkaRecord, tombstones: 'omit' | 'null' = 'omit'): KafkaEventRecord {
  const where = `${partitionKey(record.topic, record.partition)}@${record.offset}`;
  if (record.fromDeadLetter === true) throw new Error(`record ${where} was rebuilt from a dead letter: an event cannot carry that`);
  const offset = Number(record.offset);
  if (!Number.isSafeInteger(offset) || String(offset) !== record.offset) {
    throw new Error(`record ${where}: offset ${JSON.stringify(record.offset)} is not an integer the event's JSON number can carry exactly`);
  }
  const value = record.value === null ? (tombstones === 'null' ? { value: null } : {}) : { value: record.value.toString('base64') };
  // Field order as in the AWS examples, schema metadata last.
  return {
    topic: record.topic,
    partition: record.partition,
    offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    ...(record.key === null ? {} : { key: record.key.toString('base64') }),
    ...value,
    // One object per header, so repeated names keep their order.
    headers: record.headers.map((header) => ({ [header.name]: toSignedBytes(header.value) })),
    ...(record.keySchemaMetadata === undefined ? {} : { keySchemaMetadata: record.keySchemaMetadata }),
    ...(record.valueSchemaMetadata === undefined ? {} : { valueSchemaMetadata: record.valueSchemaMetadata }),
  };
}

/**
 * The event an event source mapping would send for `records`: keyed
 * `"<topic>-<partition>"` in order of first appearance, each partition's
 * records sorted by offset. Round-tripped through JSON, as the Lambda service
 * delivers it.
 */
export function encodeEvent(records: readonly KafkaRecord[], source: EventSourceOptions = {}): KafkaEvent {
  const byPartition = new Map<string, KafkaRecord[]>();
  for (const record of records) {
    const key = partitionKey(record.topic, record.partition);
    let list = byPartition.get(key);
    if (list === undefined) byPartition.set(key, (list = []));
    list.push(record);
  }
  const encoded: Record<string, KafkaEventRecord[]> = {};
  for (const [key, list] of byPartition) {
    encoded[key] = [...list]
      .sort((a, b) => compare(BigInt(a.offset), BigInt(b.offset)))
      .map((record) => encodeEventRecord(record, source.tombstones));
  }
  const bootstrapServers = (source.bootstrapServers ?? [endpoints.kafka]).join(',');
  const event: KafkaEvent =
    (source.kind ?? 'msk') === 'msk'
      ? { eventSource: 'aws:kafka', eventSourceArn: source.eventSourceArn ?? LOCAL_MSK_CLUSTER_ARN, bootstrapServers, records: encoded }
      : { eventSource: 'SelfManagedKafka', bootstrapServers, records: encoded };
  return JSON.parse(JSON.stringify(event)) as KafkaEvent;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
