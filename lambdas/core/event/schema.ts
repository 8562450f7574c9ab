import { z } from 'zod';

/**
 * The event an Amazon MSK (`aws:kafka`) or self-managed Kafka
 * (`SelfManagedKafka`) event source mapping hands to the function:
 *
 * ```json
 * { "eventSource": "aws:kafka", "eventSourceArn": "arn:aws:kafka:…", "bootstrapServers": "b-1:9092,b-2:9092",
 *   "records": { "orders-0": [ { "topic": "orders", "partition": 0, "offset": 15, "timestamp": 1545084650987,
 *     "timestampType": "CREATE_TIME", "key": "<base64>", "value"?: "<base64>" | null,
 *     "headers": [ { "h1": [104, -1, …] } ],
 *     "keySchemaMetadata"?: { "dataFormat": "AVRO", "schemaId": "…" }, "valueSchemaMetadata"?: … } ] } }
 * ```
 *
 * Objects are not strict: AWS adds fields over time and an unknown field must
 * not stop a partition. Everything the sink relies on is checked.
 */

/**
 * Standard base64 (the ESM encodes with padding). An empty string is zero
 * bytes. Alphabet then at most two `=`, in a whole number of 4-character
 * groups: the same language as `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`
 * at half the cost (every key and value of every batch goes through it).
 */
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

const base64Schema = z.string().refine((text) => text.length % 4 === 0 && BASE64_CHARS.test(text), 'expected base64 text');

/** Header values are Java `byte[]`, so signed (-128..127); unsigned bytes are accepted too. */
const headerBytesSchema = z.array(z.number().int().min(-128).max(255));

const headerSchema = z.record(z.string(), headerBytesSchema);

export const schemaMetadataSchema = z.object({
  dataFormat: z.enum(['AVRO', 'PROTOBUF', 'JSON']),
  schemaId: z.string().min(1),
});

export const TIMESTAMP_TYPES = ['CREATE_TIME', 'LOG_APPEND_TIME', 'NO_TIMESTAMP_TYPE'] as const;
export const EVENT_SOURCES = ['aws:kafka', 'SelfManagedKafka'] as const;

/*
 * decodeEvent's hot path (fast-decode.ts) checks events by hand, without zod.
 * These are the fields it checks: a field added to a schema below must be
 * checked there and listed here (until then the hot path turns itself off and
 * test/unit/event/fast-decode.test.ts fails). The schema metadata objects are
 * checked with schemaMetadataSchema itself, so their fields need nothing here.
 */
export const FAST_CHECKED_EVENT_FIELDS: readonly string[] = ['eventSource', 'eventSourceArn', 'bootstrapServers', 'records'];
export const FAST_CHECKED_RECORD_FIELDS: readonly string[] = [
  'topic',
  'partition',
  'offset',
  'timestamp',
  'timestampType',
  'key',
  'value',
  'headers',
  'keySchemaMetadata',
  'valueSchemaMetadata',
];

export const kafkaEventRecordSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().min(0),
  offset: z.number().int().min(0),
  timestamp: z.number().int(),
  timestampType: z.enum(TIMESTAMP_TYPES),
  key: base64Schema.nullish(),
  /**
   * A tombstone (null value) arrives without `value` from the real ESM
   * (Powertools TypeScript had to handle exactly that: issue #4988, PR #5017);
   * `"value": null` is accepted too.
   */
  value: base64Schema.nullish(),
  headers: z.array(headerSchema).default([]),
  keySchemaMetadata: schemaMetadataSchema.optional(),
  valueSchemaMetadata: schemaMetadataSchema.optional(),
});

export const kafkaEventSchema = z.object({
  eventSource: z.enum(EVENT_SOURCES),
  /** MSK only: the cluster ARN. */
  eventSourceArn: z.string().optional(),
  /** Comma-separated host:port list. */
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(kafkaEventRecordSchema)),
});

export type KafkaEvent = z.output<typeof kafkaEventSchema>;
export type KafkaEventRecord = z.output<typeof kafkaEventRecordSchema>;
