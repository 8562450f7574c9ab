import type { z } from 'zod';
import { ConfigError, showValue } from '../errors.js';
import { kafkaEventSchema, type KafkaEvent, type KafkaEventRecord } from './schema.js';
import { compareOffsets, fastDecodeEvent } from './fast-decode.js';
import type { KafkaHeader, KafkaRecord } from './record.js';
import { splitTopicPartition } from './topic-partition.js';

export { compareOffsets } from './fast-decode.js';
export { splitTopicPartition } from './topic-partition.js';

/**
 * A malformed event is a broken contract with the Lambda service, not bad data
 * in Kafka (keys and values are opaque base64 here, so a record's content can
 * never make the event malformed). Retrying cannot fix it and dead-lettering
 * has nothing trustworthy to dead-letter, so it is a ConfigError: the handler
 * lets it escape, the invocation fails loudly with every problem listed, and
 * the event source mapping's own policy (retries, maximum record age, its
 * on-failure destination) decides what happens to the batch. Answering success
 * instead would silently drop the batch, which the sink never does.
 */
export class MalformedEventError extends ConfigError {}

/** Validates an event source mapping event without decoding bytes; throws MalformedEventError listing every problem. */
export function parseKafkaEvent(event: unknown): KafkaEvent {
  const result = kafkaEventSchema.safeParse(event);
  if (!result.success) throw new MalformedEventError(describeIssues(result.error, event));
  const problems: string[] = [];
  for (const [key, records] of Object.entries(result.data.records)) {
    const expected = splitTopicPartition(key);
    if (expected === undefined) {
      problems.push(`records[${JSON.stringify(key)}]: expected a key "<topic>-<partition>", got ${showValue(key)}`);
      continue;
    }
    records.forEach((record, index) => {
      if (record.topic !== expected.topic || record.partition !== expected.partition) {
        problems.push(
          `records[${JSON.stringify(key)}][${index}]: record is ${showValue(`${record.topic}-${record.partition}`)} but sits under key ${showValue(key)}`,
        );
      }
    });
  }
  if (problems.length > 0) throw new MalformedEventError(problems.map((p) => `malformed Kafka event: ${p}`));
  return result.data;
}

/**
 * Decodes an event source mapping event into records: partitions in the order
 * the event lists them, each partition's records in offset order (the ESM
 * already delivers them so; sorting makes that a guarantee).
 */
export function decodeEvent(event: unknown): KafkaRecord[] {
  // The hot path: checked and decoded by hand; when it is not sure, the zod schema decides and explains.
  return fastDecodeEvent(event) ?? decodeEventWithSchema(event);
}

/** decodeEvent through the zod schema alone: the reference the hot path is tested against. */
export function decodeEventWithSchema(event: unknown): KafkaRecord[] {
  const parsed = parseKafkaEvent(event);
  const out: KafkaRecord[] = [];
  for (const records of Object.values(parsed.records)) {
    const decoded = records.map(decodeRecord);
    // The ESM's order is already ascending; checking that is linear, sorting costs BigInts per comparison.
    if (!inOffsetOrder(records)) decoded.sort((a, b) => compareOffsets(a.offset, b.offset));
    out.push(...decoded);
  }
  return out;
}

export function decodeRecord(record: KafkaEventRecord): KafkaRecord {
  const headers: KafkaHeader[] = [];
  for (const header of record.headers) {
    for (const [name, bytes] of Object.entries(header)) {
      // Java bytes are signed: -1 is 0xff.
      headers.push({ name, value: Buffer.from(bytes.map((b) => b & 0xff)) });
    }
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: String(record.offset),
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: record.key === undefined || record.key === null ? null : Buffer.from(record.key, 'base64'),
    value: record.value === undefined || record.value === null ? null : Buffer.from(record.value, 'base64'),
    headers,
    ...(record.keySchemaMetadata === undefined ? {} : { keySchemaMetadata: record.keySchemaMetadata }),
    ...(record.valueSchemaMetadata === undefined ? {} : { valueSchemaMetadata: record.valueSchemaMetadata }),
  };
}

function inOffsetOrder(records: readonly KafkaEventRecord[]): boolean {
  for (let i = 1; i < records.length; i++)
    if ((records[i - 1] as KafkaEventRecord).offset > (records[i] as KafkaEventRecord).offset) return false;
  return true;
}

function describeIssues(error: z.ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const value = valueAt(input, issue.path);
    return `malformed Kafka event: ${path === '' ? '(event)' : path}: ${issue.message}, got ${showValue(value, 80)}`;
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(String(part))}]`;
  }
  return text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}
