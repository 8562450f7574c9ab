import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_POINTER_TYPE,
  DEAD_LETTER_VERSION,
  encodeDeadLetter,
  parseDeadLetterEnvelope,
  parseDeadLetterMessage,
  type DeadLetter,
  type DeadLetterMessage,
  type DeadLetterOrigin,
  type DeadLetterPointer,
  type DeadLetterSink,
} from '../core/dead-letter.js';
import { PoisonRecordError, TransientError, describeLocation } from '../core/errors.js';

/**
 * SQS message size. A queue takes messages up to its MaximumMessageSize
 * attribute: 256 KiB (262,144 bytes) by default, settable up to 1 MiB
 * (1,048,576 bytes) since SQS raised its limit in 2025. The default here is the
 * queue default so an unconfigured queue never rejects a message; the stack
 * that creates the queue passes its real setting.
 */
export const SQS_DEFAULT_MAX_MESSAGE_BYTES = 262_144;
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;
/** SendMessageBatch: at most 10 entries per call. */
export const SQS_MAX_BATCH_ENTRIES = 10;

export interface SqsDeadLetterSinkOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Where messages larger than `maxMessageBytes` go; the queue then gets a pointer. */
  readonly overflow?: { readonly s3: S3Client; readonly bucket: string; readonly prefix?: string };
  readonly origin: DeadLetterOrigin;
  /** The queue's MaximumMessageSize. Default 262,144. */
  readonly maxMessageBytes?: number;
  /**
   * Most bytes in one SendMessageBatch call. Default: the same as
   * maxMessageBytes (never more than 1 MiB), which is within the batch limit
   * of both the old (256 KiB) and the current (1 MiB) SQS quotas.
   */
  readonly maxBatchBytes?: number;
  /** SendMessageBatch calls per chunk before giving up on its failed entries. Default 3. */
  readonly maxAttempts?: number;
  /** Base backoff between attempts, doubled each time. Default 100 ms. */
  readonly backoffMs?: number;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Prepared {
  readonly id: string;
  readonly body: string;
  readonly bytes: number;
  readonly where: string;
}

/**
 * Dead-letters records to an SQS queue: one JSON message per record, sent with
 * SendMessageBatch (10 per call), failed entries retried with backoff. A message
 * too large for the queue is stored in S3 and the queue gets a pointer. Any
 * record that could not be stored makes `send` reject with a TransientError
 * naming it, so the caller retries it: a dead letter is never dropped.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  private readonly maxMessageBytes: number;
  private readonly maxBatchBytes: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SqsDeadLetterSinkOptions) {
    this.maxMessageBytes = Math.min(options.maxMessageBytes ?? SQS_DEFAULT_MAX_MESSAGE_BYTES, SQS_MAX_MESSAGE_BYTES);
    this.maxBatchBytes = Math.min(options.maxBatchBytes ?? this.maxMessageBytes, SQS_MAX_MESSAGE_BYTES);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoffMs = options.backoffMs ?? 100;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const now = this.now();
    const prepared: Prepared[] = [];
    const failures: string[] = [];
    // Overflow uploads run concurrently; a failed upload fails that record only.
    const results = await Promise.allSettled(letters.map((letter, index) => this.prepare(letter, index, now)));
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') prepared.push(result.value);
      else failures.push(`${describeLocation(letterLocation(letters[index]))}: ${errorText(result.reason)}`);
    });
    for (const chunk of chunkEntries(prepared, this.maxBatchBytes)) {
      failures.push(...(await this.sendChunk(chunk)));
    }
    if (failures.length > 0) {
      throw new TransientError(`dead-letter queue send failed for ${failures.length} of ${letters.length} records: ${failures.join('; ')}`);
    }
  }

  private async prepare(letter: DeadLetter, index: number, now: Date): Promise<Prepared> {
    const message = encodeDeadLetter(letter, this.options.origin, now);
    const body = JSON.stringify(message);
    const bytes = Buffer.byteLength(body, 'utf8');
    const where = describeLocation(message.record);
    if (bytes <= this.maxMessageBytes) return { id: String(index), body, bytes, where };
    const pointer = await this.storeOverflow(message, body, bytes);
    const pointerBody = JSON.stringify(pointer);
    return { id: String(index), body: pointerBody, bytes: Buffer.byteLength(pointerBody, 'utf8'), where };
  }

  private async storeOverflow(message: DeadLetterMessage, body: string, bytes: number): Promise<DeadLetterPointer> {
    const { overflow } = this.options;
    const where = describeLocation(message.record);
    if (overflow === undefined) {
      // Never dropped: without an overflow bucket this stays a failure until one is configured.
      throw new TransientError(
        `dead-letter message for ${where} is ${bytes} bytes, over the queue's ${this.maxMessageBytes}, and no overflow bucket is configured`,
      );
    }
    const safeTopic = message.record.topic.replace(/[^A-Za-z0-9._-]/g, '_');
    const key = `${overflow.prefix ?? 'dead-letters/'}${safeTopic}/${message.record.partition}/${message.record.offset}-${randomUUID()}.json`;
    try {
      await overflow.s3.send(new PutObjectCommand({ Bucket: overflow.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    } catch (error) {
      throw new TransientError(
        `storing the ${bytes}-byte dead-letter message for ${where} in s3://${overflow.bucket}/${key} failed: ${errorText(error)}`,
        {
          cause: error,
        },
      );
    }
    return {
      type: DEAD_LETTER_POINTER_TYPE,
      version: DEAD_LETTER_VERSION,
      record: { topic: message.record.topic, partition: message.record.partition, offset: message.record.offset },
      error: { kind: message.error.kind, message: truncate(message.error.message, 1000) },
      s3: { bucket: overflow.bucket, key },
      size: bytes,
    };
  }

  /** Sends one chunk, retrying failed entries; returns a description of each entry that never made it. */
  private async sendChunk(chunk: readonly Prepared[]): Promise<string[]> {
    let pending = new Map(chunk.map((entry) => [entry.id, entry]));
    let lastErrors = new Map<string, string>();
    for (let attempt = 1; attempt <= this.maxAttempts && pending.size > 0; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      const entries: SendMessageBatchRequestEntry[] = [...pending.values()].map((entry) => ({ Id: entry.id, MessageBody: entry.body }));
      try {
        const response = await this.options.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }));
        const next = new Map<string, Prepared>();
        lastErrors = new Map();
        for (const failed of response.Failed ?? []) {
          const entry = failed.Id === undefined ? undefined : pending.get(failed.Id);
          if (entry === undefined) continue;
          next.set(entry.id, entry);
          lastErrors.set(
            entry.id,
            `${failed.Code ?? 'error'}${failed.SenderFault === true ? ' (sender fault)' : ''}: ${failed.Message ?? ''}`,
          );
        }
        // Entries neither in Successful nor in Failed did not get through either.
        const succeeded = new Set((response.Successful ?? []).map((s) => s.Id));
        for (const entry of pending.values()) {
          if (!succeeded.has(entry.id) && !next.has(entry.id)) {
            next.set(entry.id, entry);
            lastErrors.set(entry.id, 'not acknowledged by SendMessageBatch');
          }
        }
        pending = next;
      } catch (error) {
        lastErrors = new Map([...pending.keys()].map((id) => [id, errorText(error)]));
      }
    }
    return [...pending.values()].map((entry) => `${entry.where}: ${lastErrors.get(entry.id) ?? 'failed'}`);
  }
}

/** Splits entries into SendMessageBatch calls: at most 10 entries and `maxBatchBytes` bytes each. */
function chunkEntries(entries: readonly Prepared[], maxBatchBytes: number): Prepared[][] {
  const chunks: Prepared[][] = [];
  let current: Prepared[] = [];
  let size = 0;
  for (const entry of entries) {
    if (current.length > 0 && (current.length === SQS_MAX_BATCH_ENTRIES || size + entry.bytes > maxBatchBytes)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Reads a dead-letter queue message body: a full message as is, a pointer by
 * fetching its S3 object. For the replay handler. A body that is not ours is a
 * PoisonRecordError; an S3 read that fails is a TransientError.
 */
export async function readDeadLetterBody(body: string, s3: S3Client | undefined): Promise<DeadLetterMessage> {
  const envelope = parseDeadLetterEnvelope(body);
  if (envelope.type !== DEAD_LETTER_POINTER_TYPE) return envelope;
  const { bucket, key } = envelope.s3;
  if (s3 === undefined)
    throw new TransientError(
      `dead-letter message for ${describeLocation(envelope.record)} is in s3://${bucket}/${key} but no S3 client is configured`,
    );
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (object.Body === undefined) throw new Error('empty object body');
    text = await object.Body.transformToString('utf8');
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    if (name === 'NoSuchKey') {
      throw new PoisonRecordError(`dead-letter object s3://${bucket}/${key} for ${describeLocation(envelope.record)} does not exist`, {
        cause: error,
      });
    }
    throw new TransientError(`reading dead-letter object s3://${bucket}/${key} failed: ${errorText(error)}`, { cause: error });
  }
  return parseDeadLetterMessage(text);
}

function letterLocation(letter: DeadLetter | undefined): { topic: string; partition: number; offset: string } {
  return letter === undefined ? { topic: '?', partition: -1, offset: '?' } : letter.record;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
