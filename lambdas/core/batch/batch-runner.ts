import { SystemicFailureError, TransientError } from '../errors.js';
import { deadLetterFor, type DeadLetter, type DeadLetterSink } from '../dead-letter.js';
import type { KafkaRecord } from '../event/record.js';
import type { RecordOutcome } from '../outcome.js';
import type { Brake } from './brake.js';
import type { SinkEngine } from './engine.js';
import { holdForSchemaProblems, suggestsSchemaChange } from './schema-watch.js';

export interface RetryPolicy {
  /** Tries within one invocation, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

export interface BatchRunnerOptions {
  readonly engine: SinkEngine;
  readonly deadLetters: DeadLetterSink;
  readonly retry?: RetryPolicy;
  /** Attempt number of the delivery (a replayed dead letter carries its own). */
  readonly attemptOf?: (record: KafkaRecord) => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Decides which poison records are systemic: those are held (failed), never dead-lettered. Default: none, every poison record is dead-lettered. */
  readonly brake?: Brake;
  /** With a halt, wait this long (within the deadline) before answering, to slow the event source's retries. Default 0. */
  readonly holdMs?: number;
}

export interface RunOptions {
  /** Epoch ms after which no write starts: the invocation's deadline less a safety margin. */
  readonly deadlineMs: number;
}

const partitionKey = (record: KafkaRecord): string => `${record.topic}\u0000${record.partition}`;

/**
 * Runs one batch to a final outcome per record: writes through the engine,
 * retries transient failures with backoff while time allows, and
 * dead-letters poison records.
 *
 * The brake then reviews the poison records: a systemic failure (many
 * records failing the same way) is held, reported as failed, so that the
 * partition waits at its lowest failed offset instead of draining into the
 * dead-letter queue.
 *
 * A poison record is dead-lettered only when no earlier record of its
 * partition is still failing: the event source redelivers a partition from
 * its lowest failed offset, so a later poison record will come back anyway,
 * and dead-lettering it now would put it in the queue twice.
 */
export function createBatchRunner(
  options: BatchRunnerOptions,
): (records: readonly KafkaRecord[], run: RunOptions) => Promise<RecordOutcome[]> {
  const retry = options.retry ?? defaultRetryPolicy;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attemptOf = options.attemptOf ?? (() => 1);

  return async (records, { deadlineMs }) => {
    const final = new Map<KafkaRecord, RecordOutcome>();
    let pending: readonly KafkaRecord[] = records;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const outcomes = await options.engine.process(pending, { deadlineMs });
      const retryable: KafkaRecord[] = [];
      for (const outcome of outcomes) {
        // Written and poison records are settled at once: retrying a poison record cannot help.
        final.set(outcome.record, outcome);
        if (outcome.status === 'failed') retryable.push(outcome.record);
      }
      pending = retryable;
      const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
      if (pending.length === 0 || attempt >= retry.maxAttempts || now() + delay >= deadlineMs) break;
      await sleep(delay);
    }

    let ordered = records.map(
      (record): RecordOutcome =>
        final.get(record) ?? { record, status: 'failed', error: new TransientError('not attempted before the deadline') },
    );
    if (options.brake !== undefined) {
      const poison = ordered.flatMap((outcome) => (outcome.status === 'dead-lettered' ? [outcome] : []));
      const { held } = options.brake.review(records, poison);
      if (held.size > 0) {
        ordered = ordered.map((outcome) => {
          const error = held.get(outcome.record);
          return error === undefined ? outcome : { record: outcome.record, status: 'failed', error };
        });
      }
    }
    // A table changed under the sink: re-plan, and hold what the new schema no longer takes.
    if (options.engine.refresh !== undefined && suggestsSchemaChange(ordered)) {
      // The cluster unreachable while re-reading: nothing learnt, the outcomes stand (they are retried anyway).
      const problem = await options.engine.refresh().catch(() => undefined);
      if (problem !== undefined) ordered = holdForSchemaProblems(ordered, problem);
    }
    if (ordered.some((outcome) => outcome.status === 'failed' && outcome.error instanceof SystemicFailureError)) {
      const hold = Math.min(options.holdMs ?? 0, deadlineMs - now());
      if (hold > 0) await sleep(hold);
    }
    return deadLetterSettled(ordered, options.deadLetters, attemptOf);
  };
}

async function deadLetterSettled(
  outcomes: RecordOutcome[],
  sink: DeadLetterSink,
  attemptOf: (record: KafkaRecord) => number,
): Promise<RecordOutcome[]> {
  const lowestFailed = new Map<string, bigint>();
  for (const outcome of outcomes) {
    if (outcome.status !== 'failed') continue;
    const key = partitionKey(outcome.record);
    const offset = BigInt(outcome.record.offset);
    const current = lowestFailed.get(key);
    if (current === undefined || offset < current) lowestFailed.set(key, offset);
  }
  const behindFailure = (record: KafkaRecord): boolean => {
    const lowest = lowestFailed.get(partitionKey(record));
    return lowest !== undefined && BigInt(record.offset) > lowest;
  };

  const letters: DeadLetter[] = [];
  const result = outcomes.map((outcome): RecordOutcome => {
    if (outcome.status !== 'dead-lettered') return outcome;
    if (behindFailure(outcome.record)) {
      return {
        record: outcome.record,
        status: 'failed',
        error: new TransientError('redelivered after an earlier record of its partition failed'),
      };
    }
    letters.push(deadLetterFor(outcome.record, outcome.tables, outcome.error, attemptOf(outcome.record)));
    return outcome;
  });
  if (letters.length === 0) return result;
  try {
    await sink.send(letters);
    return result;
  } catch (error) {
    // A dead letter that could not be stored is a failure to retry, never a drop.
    const cause = error instanceof Error ? error : new TransientError(String(error));
    return result.map((outcome) =>
      outcome.status === 'dead-lettered' ? { record: outcome.record, status: 'failed', error: cause } : outcome,
    );
  }
}
