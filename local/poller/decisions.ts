/**
 * The poller's decisions as pure functions: which records go into the next
 * invocation, what an invocation's outcome means for each partition (commit,
 * rewind, retry, discard), and the on-failure destination record. No I/O and
 * no clock here: `now` is always a parameter.
 */
import { splitPartitionKey } from './event.js';
import type { OnFailureCondition, OnFailureInvocationRecord, OnFailureRecordsInfo } from './types.js';

// ---------------------------------------------------------------- batching

/** What the batcher needs to know about one partition. */
export interface PartitionView {
  readonly key: string;
  /** Records buffered and not yet processed (from the partition's position on). */
  readonly available: number;
  /** Most records this partition may contribute (a retry re-sends at most the failed part; bisect halves it). */
  readonly limit: number;
  /** When the oldest available record arrived (ms), for the batching window. */
  readonly oldestArrivedAt: number;
  /** A partition never has two invocations in flight. */
  readonly inFlight: boolean;
  /** Backoff: not before this time (ms); 0 when not retrying. */
  readonly notBefore: number;
  readonly retrying: boolean;
}

export interface BatchingOptions {
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
}

export type BatchSelection =
  | { readonly kind: 'invoke'; readonly take: readonly { readonly key: string; readonly count: number }[] }
  | { readonly kind: 'wait'; readonly until: number }
  | { readonly kind: 'idle' };

/**
 * The ESM collects records until it has BatchSize of them or the batching
 * window has passed since the first one, then invokes; one event may hold
 * several partitions. A retry goes out as soon as its backoff ends.
 */
export function selectBatch(partitions: readonly PartitionView[], now: number, options: BatchingOptions): BatchSelection {
  const eligible: PartitionView[] = [];
  let wakeAt = Number.POSITIVE_INFINITY;
  for (const p of partitions) {
    if (p.inFlight || p.available === 0 || p.limit <= 0) continue;
    if (p.notBefore > now) {
      wakeAt = Math.min(wakeAt, p.notBefore);
      continue;
    }
    eligible.push(p);
  }
  if (eligible.length === 0) return Number.isFinite(wakeAt) ? { kind: 'wait', until: wakeAt } : { kind: 'idle' };

  let total = 0;
  let oldest = Number.POSITIVE_INFINITY;
  let retryDue = false;
  for (const p of eligible) {
    total += Math.min(p.available, p.limit);
    oldest = Math.min(oldest, p.oldestArrivedAt);
    retryDue ||= p.retrying;
  }
  const windowEnd = oldest + options.maximumBatchingWindowMs;
  if (total < options.batchSize && !retryDue && windowEnd > now) {
    return { kind: 'wait', until: Math.min(wakeAt, windowEnd) };
  }

  // Retries first, then the partitions that have waited longest.
  eligible.sort((a, b) => Number(b.retrying) - Number(a.retrying) || a.oldestArrivedAt - b.oldestArrivedAt || (a.key < b.key ? -1 : 1));
  const take: { key: string; count: number }[] = [];
  let room = options.batchSize;
  for (const p of eligible) {
    if (room === 0) break;
    const count = Math.min(p.available, p.limit, room);
    take.push({ key: p.key, count });
    room -= count;
  }
  return { kind: 'invoke', take };
}

// ---------------------------------------------------------------- outcome

/** One partition's share of an invocation. */
export interface BatchPart {
  readonly key: string;
  /** The offsets sent, ascending. */
  readonly offsets: readonly bigint[];
}

export type InvocationResult =
  | { readonly kind: 'returned'; readonly response: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timedOut' };

export type ParsedBatchResponse =
  { readonly ok: true; readonly lowestFailed: ReadonlyMap<string, bigint> } | { readonly ok: false; readonly problem: string };

function asOffset(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^(0|[1-9]\d*)$/.test(value)) return BigInt(value);
  return undefined;
}

/**
 * Reads a Kafka partial batch response against the batch that was sent.
 *
 * Success: a missing/null response, or a missing/null/empty `batchItemFailures`
 * (the documented success conditions for stream partial batch responses).
 * Whole-batch failure (as Lambda does for a null/empty item identifier or a
 * bad key name): anything malformed, a partition that was not in the batch,
 * or an offset that was not sent. The partition of an item identifier is read
 * from `partition`, or else from `topic-partition` (see FACTS.md).
 */
export function parseBatchResponse(response: unknown, parts: readonly BatchPart[]): ParsedBatchResponse {
  if (response === null || response === undefined || typeof response !== 'object') return { ok: true, lowestFailed: new Map() };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { ok: true, lowestFailed: new Map() };
  if (!Array.isArray(failures)) return { ok: false, problem: 'batchItemFailures is not an array' };
  const sent = new Map(parts.map((part) => [part.key, new Set(part.offsets)]));
  const lowestFailed = new Map<string, bigint>();
  for (const [index, item] of (failures as unknown[]).entries()) {
    const where = `batchItemFailures[${String(index)}]`;
    const identifier = typeof item === 'object' && item !== null ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof identifier !== 'object' || identifier === null) return { ok: false, problem: `${where}.itemIdentifier is not an object` };
    const fields = identifier as Record<string, unknown>;
    const partition = fields.partition ?? fields['topic-partition'];
    if (typeof partition !== 'string' || splitPartitionKey(partition) === undefined) {
      return { ok: false, problem: `${where}.itemIdentifier has no "partition" (or "topic-partition") of the form "<topic>-<partition>"` };
    }
    const offset = asOffset(fields.offset);
    if (offset === undefined) return { ok: false, problem: `${where}.itemIdentifier.offset is not a non-negative integer` };
    const offsets = sent.get(partition);
    if (offsets === undefined) return { ok: false, problem: `${where}: partition ${partition} was not in the batch` };
    if (!offsets.has(offset)) return { ok: false, problem: `${where}: offset ${String(offset)} of ${partition} was not in the batch` };
    const current = lowestFailed.get(partition);
    if (current === undefined || offset < current) lowestFailed.set(partition, offset);
  }
  return { ok: true, lowestFailed };
}

/** Per partition: where its position goes, and which records (if any) failed. */
export interface PartDecision {
  readonly key: string;
  /** The new position: the next offset to process, and the offset to commit (Kafka semantics: last processed + 1). */
  readonly commitTo: bigint;
  /** The offsets that failed and must be retried (from the lowest failed one to the end of the part); empty on success. */
  readonly failed: readonly bigint[];
}

export type OutcomeDecision =
  | { readonly kind: 'success'; readonly parts: readonly PartDecision[] }
  | { readonly kind: 'partial'; readonly parts: readonly PartDecision[] }
  | { readonly kind: 'failure'; readonly reason: string };

/**
 * What an invocation's result means. A throw, a timeout or a malformed
 * response fails the whole batch (nothing committed). Otherwise each partition
 * listed in `batchItemFailures` resumes at its lowest failed offset (records
 * before it are committed) and every other partition is committed in full.
 * With `reportBatchItemFailures` off the response is ignored, as Lambda does.
 */
export function decideOutcome(parts: readonly BatchPart[], result: InvocationResult, reportBatchItemFailures: boolean): OutcomeDecision {
  if (result.kind === 'threw') return { kind: 'failure', reason: `function error: ${describeError(result.error)}` };
  if (result.kind === 'timedOut') return { kind: 'failure', reason: 'function timed out' };
  const parsed: ParsedBatchResponse = reportBatchItemFailures
    ? parseBatchResponse(result.response, parts)
    : { ok: true, lowestFailed: new Map<string, bigint>() };
  if (!parsed.ok) return { kind: 'failure', reason: `invalid partial batch response: ${parsed.problem}` };
  const decisions = parts.map((part): PartDecision => {
    const last = part.offsets[part.offsets.length - 1];
    if (last === undefined) throw new Error(`empty batch part ${part.key}`);
    const lowest = parsed.lowestFailed.get(part.key);
    if (lowest === undefined) return { key: part.key, commitTo: last + 1n, failed: [] };
    return { key: part.key, commitTo: lowest, failed: part.offsets.filter((o) => o >= lowest) };
  });
  return { kind: parsed.lowestFailed.size === 0 ? 'success' : 'partial', parts: decisions };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    // undefined (and functions) stringify to undefined, whatever the lib types say.
    const text = JSON.stringify(error) as unknown;
    return typeof text === 'string' ? text : String(error);
  } catch {
    return String(error);
  }
}

// ---------------------------------------------------------------- retries

export interface RetryOptions {
  /** -1: infinite (capped at 10 when an on-failure destination is set, as Lambda does). */
  readonly maximumRetryAttempts: number;
  readonly hasOnFailureDestination: boolean;
  readonly bisectBatchOnFunctionError: boolean;
  readonly backoff: BackoffOptions;
}

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

/** Lambda applies at most 10 retries when retries are infinite and an on-failure destination is configured. */
export function effectiveMaximumRetryAttempts(maximumRetryAttempts: number, hasOnFailureDestination: boolean): number {
  return maximumRetryAttempts < 0 && hasOnFailureDestination ? 10 : maximumRetryAttempts;
}

/** Exponential backoff before retry number `retry` (1-based). */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  const exponent = Math.max(0, retry - 1);
  return Math.min(options.maxMs, Math.round(options.initialMs * options.multiplier ** exponent));
}

/** A partition's retry bookkeeping. */
export interface RetryState {
  /** Retries already counted (the first invocation is not a retry). */
  readonly retries: number;
  /** Invocations that carried these records. */
  readonly invocations: number;
  /** The most records the next invocation may carry for this partition. */
  readonly limit: number;
}

export type RetryDecision =
  | { readonly kind: 'retry'; readonly state: RetryState; readonly notBefore: number }
  | { readonly kind: 'discard'; readonly condition: OnFailureCondition; readonly invocations: number };

/**
 * After a failed invocation (or a partition's partial failure) of `failedCount`
 * records: retry with exponential backoff, or give up once the retries are
 * exhausted. With BisectBatchOnFunctionError a failed batch of more than one
 * record is first split in half (for this partition) and retried without
 * counting a retry, so a single bad record is isolated before the retry budget
 * runs out; a batch of one counts as usual.
 */
export function decideRetry(
  previous: RetryState | undefined,
  failedCount: number,
  wholeBatchFailed: boolean,
  now: number,
  options: RetryOptions,
): RetryDecision {
  const invocations = (previous?.invocations ?? 0) + 1;
  const retries = previous?.retries ?? 0;
  if (options.bisectBatchOnFunctionError && wholeBatchFailed && failedCount > 1) {
    const state = { retries, invocations, limit: Math.ceil(failedCount / 2) };
    return { kind: 'retry', state, notBefore: now + backoffDelay(Math.max(1, retries), options.backoff) };
  }
  const max = effectiveMaximumRetryAttempts(options.maximumRetryAttempts, options.hasOnFailureDestination);
  if (max >= 0 && retries >= max) return { kind: 'discard', condition: 'RetryAttemptsExhausted', invocations };
  const state = { retries: retries + 1, invocations, limit: failedCount };
  return { kind: 'retry', state, notBefore: now + backoffDelay(retries + 1, options.backoff) };
}

/** How many leading records (timestamps in ms, ascending offsets) are older than MaximumRecordAgeInSeconds. */
export function countExpired(timestamps: readonly number[], now: number, maximumRecordAgeSeconds: number): number {
  if (maximumRecordAgeSeconds < 0) return 0;
  const oldestAllowed = now - maximumRecordAgeSeconds * 1000;
  let n = 0;
  while (n < timestamps.length && (timestamps[n] ?? Number.POSITIVE_INFINITY) < oldestAllowed) n++;
  return n;
}

// ---------------------------------------------------------------- on-failure destination

export interface DiscardedRange {
  readonly key: string;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  /** ms */
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  readonly count: number;
}

export interface OnFailureInput {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: OnFailureCondition;
  readonly approximateInvokeCount: number;
  /** Whether the last invocation ended in a function error (throw/timeout); false for a partial batch failure. */
  readonly functionError: boolean;
  /** False when the records were discarded without an invocation (record age). */
  readonly invoked: boolean;
  readonly executedVersion: string;
  readonly now: number;
  readonly eventSourceArn?: string;
  readonly bootstrapServers: string;
  readonly consumerGroupId: string;
  readonly payloadSize: number;
  readonly ranges: readonly DiscardedRange[];
}

/** The SQS/SNS on-failure record for discarded Kafka records (metadata only). */
export function buildOnFailureRecord(input: OnFailureInput): OnFailureInvocationRecord {
  const recordsInfo: Record<string, OnFailureRecordsInfo> = {};
  let batchSize = 0;
  for (const range of input.ranges) {
    recordsInfo[range.key] = {
      firstRecordOffset: String(range.firstOffset),
      lastRecordOffset: String(range.lastOffset),
      firstRecordTimestamp: new Date(range.firstTimestamp).toISOString(),
      lastRecordTimestamp: new Date(range.lastTimestamp).toISOString(),
    };
    batchSize += range.count;
  }
  return {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    responseContext: input.invoked
      ? { statusCode: 200, executedVersion: input.executedVersion, ...(input.functionError ? { functionError: 'Unhandled' as const } : {}) }
      : null,
    version: '1.0',
    timestamp: new Date(input.now).toISOString(),
    KafkaBatchInfo: {
      batchSize,
      ...(input.eventSourceArn === undefined ? {} : { eventSourceArn: input.eventSourceArn }),
      bootstrapServers: input.bootstrapServers,
      consumerGroupId: input.consumerGroupId,
      payloadSize: input.payloadSize,
      recordsInfo,
    },
  };
}
