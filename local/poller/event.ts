import type { KafkaTimestampType, MskEvent, MskEventHeader, MskEventRecord } from './types.js';

/** A record as the poller holds it between the Kafka fetch and the invocation. */
export interface PolledRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Milliseconds since the epoch. */
  readonly timestamp: bigint;
  readonly timestampType: KafkaTimestampType;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** In wire order; a name may repeat. A null header value is possible in Kafka. */
  readonly headers: readonly (readonly [name: string, value: Buffer | null])[];
}

/**
 * How a record with a null value (a tombstone) appears in the event: `omit` (default) leaves out the
 * `value` field, `null` sends `"value": null`. Why omit: docs/decisions/tombstone-encoding.md.
 */
export type TombstoneEncoding = 'omit' | 'null';

export interface EventSource {
  /** `msk` → `eventSource: "aws:kafka"` with `eventSourceArn`; `self-managed` → `"SelfManagedKafka"` without one. */
  readonly kind: 'msk' | 'self-managed';
  readonly eventSourceArn?: string;
  /** Brokers, `host:port` each. */
  readonly bootstrapServers: readonly string[];
  readonly tombstones?: TombstoneEncoding;
}

/** `"<topic>-<partition>"`, the ESM's records key. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${String(partition)}`;
}

/** Splits a records key on its last `-`: the core's own parser, so the poller and the handler agree. */
export { splitTopicPartition as splitPartitionKey } from '../../lambdas/core/event/decode.js';

/** Bytes as Java `byte[]` serialises them to JSON: signed, so 0x80..0xff become -128..-1. */
export function toSignedBytes(bytes: Uint8Array): number[] {
  return Array.from(bytes, (b) => (b >= 128 ? b - 256 : b));
}

function encodeHeaders(headers: PolledRecord['headers']): MskEventHeader[] {
  // A null header value becomes an empty array: undocumented, and the one
  // choice every decoder of `number[]` accepts.
  return headers.map(([name, value]) => ({ [name]: value === null ? [] : toSignedBytes(value) }));
}

export function encodeRecord(record: PolledRecord, tombstones: TombstoneEncoding = 'omit'): MskEventRecord {
  // Field order as in the AWS examples: topic, partition, offset, timestamp, timestampType, key, value, headers.
  const value = record.value === null ? (tombstones === 'null' ? { value: null } : {}) : { value: record.value.toString('base64') };
  return {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    timestampType: record.timestampType,
    ...(record.key === null ? {} : { key: record.key.toString('base64') }),
    ...value,
    headers: encodeHeaders(record.headers),
  };
}

/**
 * Builds the event for one invocation. `partitions` lists each partition's
 * records in offset order; the event keys them `"<topic>-<partition>"` in the
 * order given. A partition must not appear twice.
 */
export function buildMskEvent(partitions: readonly (readonly PolledRecord[])[], source: EventSource): MskEvent {
  const records: Record<string, MskEventRecord[]> = {};
  for (const list of partitions) {
    const first = list[0];
    if (first === undefined) continue;
    const key = partitionKey(first.topic, first.partition);
    if (Object.hasOwn(records, key)) throw new Error(`partition ${key} appears twice in one event`);
    let previous: bigint | undefined;
    records[key] = list.map((record) => {
      if (record.topic !== first.topic || record.partition !== first.partition) {
        throw new Error(`record ${partitionKey(record.topic, record.partition)}@${String(record.offset)} listed under ${key}`);
      }
      if (previous !== undefined && record.offset <= previous) {
        throw new Error(`records of ${key} are not in offset order at ${String(record.offset)}`);
      }
      previous = record.offset;
      return encodeRecord(record, source.tombstones);
    });
  }
  const bootstrapServers = source.bootstrapServers.join(',');
  if (source.kind === 'msk') {
    return {
      eventSource: 'aws:kafka',
      eventSourceArn: source.eventSourceArn ?? LOCAL_MSK_CLUSTER_ARN,
      bootstrapServers,
      records,
    };
  }
  return { eventSource: 'SelfManagedKafka', bootstrapServers, records };
}

/** A well-formed, obviously local MSK cluster ARN. */
export const LOCAL_MSK_CLUSTER_ARN = 'arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1';
