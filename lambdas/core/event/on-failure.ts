import { z } from 'zod';
import { PoisonRecordError, showValue } from '../errors.js';
import { splitTopicPartition } from './decode.js';

/**
 * The message a Kafka event source mapping sends to its on-failure destination
 * when it gives up on a batch (retries exhausted or records too old). SQS and
 * SNS destinations get metadata only:
 *
 * ```json
 * { "requestContext": { "requestId": "…", "functionArn": "…", "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 11 },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "version": "1.0", "timestamp": "2026-…",
 *   "KafkaBatchInfo": { "batchSize": 2, "bootstrapServers": "b-1:9092,…", "payloadSize": 1162,
 *     "recordsInfo": { "orders-0": { "firstRecordOffset": "15", "lastRecordOffset": "16",
 *                                    "firstRecordTimestamp": "…", "lastRecordTimestamp": "…" } } } }
 * ```
 *
 * (field names per the Lambda guide, "Capturing discarded batches for Amazon
 * MSK and self-managed Apache Kafka event sources"). An S3 destination also
 * stores the whole original event as `payload`; then the records are in hand
 * and need no re-read. Offsets are accepted as strings or numbers. An SNS
 * notification wrapping the message (`{"Type":"Notification","Message":"…"}`)
 * is unwrapped.
 */

const offset = z.union([z.string().regex(/^\d{1,19}$/), z.number().int().min(0)]).transform(String);

const recordsInfoSchema = z.object({
  firstRecordOffset: offset,
  lastRecordOffset: offset,
  firstRecordTimestamp: z.string().optional(),
  lastRecordTimestamp: z.string().optional(),
});

export const onFailureMessageSchema = z.object({
  requestContext: z
    .object({
      requestId: z.string().optional(),
      functionArn: z.string().optional(),
      condition: z.string().optional(),
      approximateInvokeCount: z.number().optional(),
    })
    .optional(),
  responseContext: z
    .object({ statusCode: z.number().optional(), executedVersion: z.string().optional(), functionError: z.string().optional() })
    .optional(),
  version: z.string().optional(),
  timestamp: z.string().optional(),
  KafkaBatchInfo: z.object({
    batchSize: z.number().optional(),
    bootstrapServers: z.string().optional(),
    payloadSize: z.number().optional(),
    recordsInfo: z.record(z.string(), recordsInfoSchema),
  }),
  /** S3 destinations only: the original invocation event. */
  payload: z.unknown().optional(),
});

export type OnFailureMessage = z.output<typeof onFailureMessageSchema>;

/** One partition's failed offsets, inclusive. */
export interface OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
}

export interface OnFailureBatch {
  readonly ranges: readonly OffsetRange[];
  /** Comma-separated brokers the ESM read from, when the message says. */
  readonly bootstrapServers?: string;
  /** Why the ESM gave up (RetryAttemptsExhausted, RecordAgeExceeded, …). */
  readonly condition?: string;
  readonly approximateInvokeCount?: number;
  /** The original event, when the destination was S3. */
  readonly payload?: unknown;
}

/** Quick check for routing a replay queue message: is this an ESM on-failure message? */
export function isOnFailureMessage(value: unknown): boolean {
  const unwrapped = unwrap(value);
  return unwrapped !== null && typeof unwrapped === 'object' && 'KafkaBatchInfo' in unwrapped;
}

/** Parses an on-failure message (JSON text, object, or SNS notification). Not one: PoisonRecordError saying why. */
export function parseOnFailureMessage(body: unknown): OnFailureBatch {
  const value = unwrap(body);
  const result = onFailureMessageSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`);
    throw new PoisonRecordError(`not a Kafka on-failure message: ${problems.join('; ')}`);
  }
  const message = result.data;
  const ranges: OffsetRange[] = [];
  for (const [key, info] of Object.entries(message.KafkaBatchInfo.recordsInfo)) {
    const where = splitTopicPartition(key);
    if (where === undefined)
      throw new PoisonRecordError(`on-failure message: recordsInfo key ${showValue(key)} is not "<topic>-<partition>"`);
    if (BigInt(info.firstRecordOffset) > BigInt(info.lastRecordOffset)) {
      throw new PoisonRecordError(
        `on-failure message: recordsInfo[${JSON.stringify(key)}] has firstRecordOffset ${info.firstRecordOffset} after lastRecordOffset ${info.lastRecordOffset}`,
      );
    }
    ranges.push({ ...where, firstOffset: info.firstRecordOffset, lastOffset: info.lastRecordOffset });
  }
  return {
    ranges,
    ...(message.KafkaBatchInfo.bootstrapServers === undefined ? {} : { bootstrapServers: message.KafkaBatchInfo.bootstrapServers }),
    ...(message.requestContext?.condition === undefined ? {} : { condition: message.requestContext.condition }),
    ...(message.requestContext?.approximateInvokeCount === undefined
      ? {}
      : { approximateInvokeCount: message.requestContext.approximateInvokeCount }),
    ...(message.payload === undefined ? {} : { payload: message.payload }),
  };
}

function unwrap(body: unknown): unknown {
  let value = body;
  if (typeof value === 'string') value = parseJson(value);
  if (value !== null && typeof value === 'object' && (value as { Type?: unknown }).Type === 'Notification') {
    const inner = (value as { Message?: unknown }).Message;
    value = typeof inner === 'string' ? parseJson(inner) : inner;
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PoisonRecordError(`not a Kafka on-failure message: not JSON: ${showValue(text, 80)}`);
  }
}
