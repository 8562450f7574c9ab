import { splitTopicPartition } from './topic-partition.js';
import {
  EVENT_SOURCES,
  FAST_CHECKED_EVENT_FIELDS,
  FAST_CHECKED_RECORD_FIELDS,
  TIMESTAMP_TYPES,
  kafkaEventRecordSchema,
  kafkaEventSchema,
  schemaMetadataSchema,
} from './schema.js';
import type { KafkaHeader, KafkaRecord, SchemaMetadata } from './record.js';

/*
 * The hot path of decodeEvent: validates and decodes an event in one pass,
 * without zod and without a per-record regular expression. It only ever says
 * "valid, here are the records" or "not sure": decodeEvent then runs the zod
 * schema, which stays the source of truth and of every error message. So a
 * check this file forgets can only cost speed, never accept a bad event, as
 * long as it never accepts what zod rejects; test/unit/event/fast-decode.test.ts
 * shows on generated valid and mutated events that it accepts exactly what zod
 * accepts and yields the same records.
 */

const eventSources: ReadonlySet<unknown> = new Set(EVENT_SOURCES);
const timestampTypes: ReadonlySet<unknown> = new Set(TIMESTAMP_TYPES);

/**
 * When the zod schema has a field this file does not check (the lists sit
 * beside the schema), the fast path turns itself off and every event takes the
 * zod path, instead of accepting unchecked data; a unit test fails meanwhile.
 */
const sameFields = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((field) => b.includes(field));
export const fastDecodeEnabled =
  sameFields(Object.keys(kafkaEventSchema.shape), FAST_CHECKED_EVENT_FIELDS) &&
  sameFields(Object.keys(kafkaEventRecordSchema.shape), FAST_CHECKED_RECORD_FIELDS);

type Plain = Record<string, unknown>;

const isObject = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The decoded records of a valid event, partitions in the event's order and
 * each in offset order; undefined when the event may be malformed (the caller
 * then asks the zod schema, which decides and explains).
 */
export function fastDecodeEvent(event: unknown): KafkaRecord[] | undefined {
  if (!fastDecodeEnabled || !isObject(event)) return undefined;
  if (!eventSources.has(event.eventSource)) return undefined;
  if (!optionalString(event.eventSourceArn) || !optionalString(event.bootstrapServers)) return undefined;
  const records = event.records;
  if (!isObject(records)) return undefined;
  const out: KafkaRecord[] = [];
  for (const key in records) {
    // Own keys only (JSON.parse makes no inherited ones); zod drops a "__proto__" key, so leave that event to zod.
    if (!Object.hasOwn(records, key) || key === '__proto__') return undefined;
    const list = records[key];
    const expected = splitTopicPartition(key);
    if (expected === undefined || !Array.isArray(list)) return undefined;
    const start = out.length;
    let previousOffset = -1;
    let ordered = true;
    for (const item of list as unknown[]) {
      const record = decodeValidRecord(item);
      if (record === undefined || record.topic !== expected.topic || record.partition !== expected.partition) return undefined;
      const offset = (item as Plain).offset as number;
      if (offset < previousOffset) ordered = false;
      previousOffset = offset;
      out.push(record);
    }
    if (!ordered) sortFrom(out, start);
  }
  return out;
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function decodeValidRecord(item: unknown): KafkaRecord | undefined {
  if (!isObject(item)) return undefined;
  const { topic, partition, offset, timestamp, timestampType } = item;
  if (typeof topic !== 'string' || topic.length === 0) return undefined;
  if (!isNonNegativeInt(partition) || !isNonNegativeInt(offset)) return undefined;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) return undefined;
  if (!timestampTypes.has(timestampType)) return undefined;
  const key = decodeBase64(item.key);
  if (key === false) return undefined;
  const value = decodeBase64(item.value);
  if (value === false) return undefined;
  const headers = decodeHeaders(item.headers);
  if (headers === undefined) return undefined;
  const keySchemaMetadata = schemaMetadata(item.keySchemaMetadata);
  const valueSchemaMetadata = schemaMetadata(item.valueSchemaMetadata);
  if (keySchemaMetadata === false || valueSchemaMetadata === false) return undefined;
  const record: { -readonly [K in keyof KafkaRecord]: KafkaRecord[K] } = {
    topic,
    partition,
    offset: String(offset),
    timestamp,
    timestampType: timestampType as KafkaRecord['timestampType'],
    key,
    value,
    headers,
  };
  // Set only when present (as the zod path does), without spreading a fresh object per record.
  if (keySchemaMetadata !== undefined) record.keySchemaMetadata = keySchemaMetadata;
  if (valueSchemaMetadata !== undefined) record.valueSchemaMetadata = valueSchemaMetadata;
  return record;
}

const EQUALS = 61;

/**
 * Base64 text (or null/absent) to bytes in one copy, false when it is not
 * exactly the schema's base64 (`^[A-Za-z0-9+/]*={0,2}$` in 4-character
 * groups). Node's decoder skips characters outside its alphabet and stops at
 * `=`, so every such character makes the output shorter than the length the
 * text promises; what it would wrongly count as digits is excluded by name: the
 * URL-safe `-` and `_`, and non-ASCII text (it reads only a UTF-16 unit's low
 * byte). Cheaper than the regular expression by an order of magnitude.
 */
export function decodeBase64(text: unknown): Buffer | null | false {
  if (text === undefined || text === null) return null;
  if (typeof text !== 'string') return false;
  const length = text.length;
  if (length % 4 !== 0) return false;
  const padding = length === 0 || text.charCodeAt(length - 1) !== EQUALS ? 0 : text.charCodeAt(length - 2) === EQUALS ? 2 : 1;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== (length / 4) * 3 - padding) return false;
  if (text.includes('-') || text.includes('_') || Buffer.byteLength(text, 'utf8') !== length) return false;
  return bytes;
}

const NO_HEADERS: readonly KafkaHeader[] = Object.freeze([]);

function decodeHeaders(headers: unknown): readonly KafkaHeader[] | undefined {
  if (headers === undefined) return NO_HEADERS;
  if (!Array.isArray(headers)) return undefined;
  if (headers.length === 0) return NO_HEADERS;
  const out: KafkaHeader[] = [];
  for (const header of headers as unknown[]) {
    if (!isObject(header)) return undefined;
    for (const name in header) {
      if (!Object.hasOwn(header, name) || name === '__proto__') return undefined;
      const bytes = header[name];
      if (!Array.isArray(bytes)) return undefined;
      const value = Buffer.allocUnsafe(bytes.length);
      for (let i = 0; i < bytes.length; i++) {
        const b: unknown = bytes[i];
        if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < -128 || b > 255) return undefined;
        // Java bytes are signed: -1 is 0xff.
        value[i] = b & 0xff;
      }
      out.push({ name, value });
    }
  }
  return out;
}

/** The metadata the event source adds with a schema registry: rare enough to check with its zod schema (which then also owns its fields). */
function schemaMetadata(value: unknown): SchemaMetadata | undefined | false {
  if (value === undefined) return undefined;
  const parsed = schemaMetadataSchema.safeParse(value);
  return parsed.success ? parsed.data : false;
}

function sortFrom(out: KafkaRecord[], start: number): void {
  const part = out.slice(start).sort((a, b) => compareOffsets(a.offset, b.offset));
  out.splice(start, part.length, ...part);
}

/** Numeric comparison of decimal offset strings (64-bit safe). */
export function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
