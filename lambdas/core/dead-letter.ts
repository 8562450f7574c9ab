import { z } from 'zod';
import { schemaMetadataSchema } from './event/schema.js';
import type { KafkaRecord } from './event/record.js';
import { PoisonRecordError, showValue, type ErrorKind } from './errors.js';

/**
 * The dead-letter port and the message it writes.
 *
 * One message per record, self-contained: the whole Kafka record (key, value
 * and header bytes as base64), where it came from, what it was written to,
 * why it failed and how often. The replay handler rebuilds the record from it
 * and writes it again with its original write time, so a replay converges and
 * never overwrites newer data. The message is JSON and versioned; a reader
 * accepts only versions it knows.
 */

export const DEAD_LETTER_TYPE = 'kafka-cql-sink.dead-letter';
export const DEAD_LETTER_POINTER_TYPE = 'kafka-cql-sink.dead-letter-pointer';
export const DEAD_LETTER_VERSION = 1;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64 = z.string().regex(BASE64, 'expected base64 text');
const offsetText = z.string().regex(/^\d{1,19}$/, 'expected a decimal offset');
const isoTime = z.iso.datetime({ offset: true });

const recordLocationSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().min(0),
  offset: offsetText,
});

export const deadLetterMessageSchema = z.object({
  type: z.literal(DEAD_LETTER_TYPE),
  version: z.literal(DEAD_LETTER_VERSION),
  record: recordLocationSchema.extend({
    /** Milliseconds since the epoch, as Kafka has it. */
    timestamp: z.number().int(),
    timestampType: z.enum(['CREATE_TIME', 'LOG_APPEND_TIME', 'NO_TIMESTAMP_TYPE']),
    key: base64.nullable(),
    /** null is a tombstone. */
    value: base64.nullable(),
    headers: z.array(z.object({ name: z.string(), value: base64 })),
    keySchemaMetadata: schemaMetadataSchema.optional(),
    valueSchemaMetadata: schemaMetadataSchema.optional(),
  }),
  /** "keyspace.table" names the record was meant for. */
  targetTables: z.array(z.string()),
  error: z.object({
    kind: z.enum(['config', 'poison', 'transient']),
    name: z.string(),
    message: z.string(),
  }),
  /** How many times this record has been tried, this failure included. */
  attempt: z.number().int().min(1),
  function: z.object({ name: z.string(), version: z.string() }),
  firstFailedAt: isoTime,
  failedAt: isoTime,
});

/** What the queue holds instead when the message is larger than the queue takes: the message is in S3. */
export const deadLetterPointerSchema = z.object({
  type: z.literal(DEAD_LETTER_POINTER_TYPE),
  version: z.literal(DEAD_LETTER_VERSION),
  /** Enough to see in the console which record this is without fetching the object. */
  record: recordLocationSchema,
  error: z.object({ kind: z.enum(['config', 'poison', 'transient']), message: z.string() }),
  s3: z.object({ bucket: z.string().min(1), key: z.string().min(1) }),
  /** Size in bytes of the stored message. */
  size: z.number().int().min(0),
});

export const deadLetterEnvelopeSchema = z.discriminatedUnion('type', [deadLetterMessageSchema, deadLetterPointerSchema]);

export type DeadLetterMessage = z.output<typeof deadLetterMessageSchema>;
export type DeadLetterPointer = z.output<typeof deadLetterPointerSchema>;
export type DeadLetterEnvelope = z.output<typeof deadLetterEnvelopeSchema>;

/** One record the core gives up on. */
export interface DeadLetter {
  readonly record: KafkaRecord;
  readonly targetTables: readonly string[];
  readonly error: { readonly kind: ErrorKind; readonly name: string; readonly message: string };
  /** Tries so far, this one included (1 for a record that failed on its first write). */
  readonly attempt: number;
  /** When the record first failed; a replayed record keeps the time from its message. Default: now. */
  readonly firstFailedAt?: Date;
}

/**
 * The port the core dead-letters through. `send` resolves only when every
 * letter is stored; otherwise it rejects with a TransientError, and the caller
 * reports those records as failed so they are retried: never a drop.
 */
export interface DeadLetterSink {
  send(letters: readonly DeadLetter[]): Promise<void>;
}

export interface DeadLetterOrigin {
  readonly functionName: string;
  readonly functionVersion: string;
}

/** Builds a DeadLetter from an error the core raised for a record. */
export function deadLetterFor(
  record: KafkaRecord,
  targetTables: readonly string[],
  error: unknown,
  attempt = 1,
  firstFailedAt?: Date,
): DeadLetter {
  const described =
    error instanceof Error
      ? { kind: kindOf(error), name: error.name, message: error.message }
      : { kind: 'poison' as const, name: 'Error', message: showValue(error) };
  return { record, targetTables, error: described, attempt, ...(firstFailedAt === undefined ? {} : { firstFailedAt }) };
}

function kindOf(error: Error): ErrorKind {
  const kind = (error as { kind?: unknown }).kind;
  return kind === 'config' || kind === 'poison' || kind === 'transient' ? kind : 'poison';
}

export function encodeDeadLetter(letter: DeadLetter, origin: DeadLetterOrigin, now: Date = new Date()): DeadLetterMessage {
  const { record } = letter;
  return {
    type: DEAD_LETTER_TYPE,
    version: DEAD_LETTER_VERSION,
    record: {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      timestampType: record.timestampType,
      key: record.key === null ? null : record.key.toString('base64'),
      value: record.value === null ? null : record.value.toString('base64'),
      headers: record.headers.map((header) => ({ name: header.name, value: header.value.toString('base64') })),
      ...(record.keySchemaMetadata === undefined ? {} : { keySchemaMetadata: record.keySchemaMetadata }),
      ...(record.valueSchemaMetadata === undefined ? {} : { valueSchemaMetadata: record.valueSchemaMetadata }),
    },
    targetTables: [...letter.targetTables],
    error: { kind: letter.error.kind, name: letter.error.name, message: letter.error.message },
    attempt: letter.attempt,
    function: { name: origin.functionName, version: origin.functionVersion },
    firstFailedAt: (letter.firstFailedAt ?? now).toISOString(),
    failedAt: now.toISOString(),
  };
}

/**
 * Parses a queue message body (JSON text or an already parsed object) into a
 * dead-letter message or a pointer to one. A body that is not one of ours is a
 * PoisonRecordError naming what was wrong: replaying it can never succeed.
 */
export function parseDeadLetterEnvelope(body: unknown): DeadLetterEnvelope {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      throw new PoisonRecordError(`dead-letter message is not JSON: ${showValue(body, 80)}`);
    }
  }
  const result = deadLetterEnvelopeSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`);
    throw new PoisonRecordError(`not a kafka-cql-sink dead-letter message (version ${DEAD_LETTER_VERSION}): ${problems.join('; ')}`);
  }
  return result.data;
}

/** Parses a full dead-letter message (what a pointer's S3 object holds). */
export function parseDeadLetterMessage(body: unknown): DeadLetterMessage {
  const envelope = parseDeadLetterEnvelope(body);
  if (envelope.type !== DEAD_LETTER_TYPE) throw new PoisonRecordError('expected a dead-letter message, got a pointer to one');
  return envelope;
}

/** Rebuilds the Kafka record a dead-letter message carries, bytes for bytes. */
export function deadLetterToRecord(message: DeadLetterMessage): KafkaRecord {
  const { record } = message;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: record.key === null ? null : Buffer.from(record.key, 'base64'),
    value: record.value === null ? null : Buffer.from(record.value, 'base64'),
    headers: record.headers.map((header) => ({ name: header.name, value: Buffer.from(header.value, 'base64') })),
    ...(record.keySchemaMetadata === undefined ? {} : { keySchemaMetadata: record.keySchemaMetadata }),
    ...(record.valueSchemaMetadata === undefined ? {} : { valueSchemaMetadata: record.valueSchemaMetadata }),
    fromDeadLetter: true,
  };
}
