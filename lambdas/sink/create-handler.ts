import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { observability, observabilitySettings, publishBatchMetrics, publishHaltMetrics } from '../adapters/observability.js';
import type { SinkRuntime } from '../adapters/sink-runtime.js';
import { decodeEvent, toBatchItemFailures, type KafkaBatchResponse } from '../core/event/index.js';
import { SystemicFailureError } from '../core/errors.js';
import type { FinalOutcome } from '../core/batch/batch-runner.js';
import { haltLogFields, summarizeHalts } from '../core/batch/halts.js';

export interface SinkHandlerOptions {
  /** No write starts later than this before the function's deadline; the rest are reported as failures. Default 3,000 ms. */
  readonly stopWritesBeforeDeadlineMs?: number;
}

/** Lambda's view of each final outcome: only failures go back to the event source for redelivery. */
function toResponseStatus(outcome: FinalOutcome): 'written' | 'poison' | 'transient' {
  if (outcome.status === 'written') return 'written';
  return outcome.status === 'dead-lettered' ? 'poison' : 'transient';
}

/**
 * The Kafka event source mapping handler: decode the batch, run it through
 * the core, answer with the partial batch response. Everything else lives in
 * the runtime (built once per container) and the core.
 *
 * A malformed event throws: without valid records there is nothing to report
 * per record, so the event source retries the batch and, once its retries are
 * spent, sends it to the on-failure destination — nothing is dropped.
 */
export function createSinkHandler(runtime: SinkRuntime, options: SinkHandlerOptions = {}) {
  const { logger } = observability();
  const settings = observabilitySettings();
  const margin = options.stopWritesBeforeDeadlineMs ?? 3_000;
  const tablesByTopic = new Map(Object.entries(runtime.config.topics).map(([topic, settings]) => [topic, Object.keys(settings.tables)]));

  const handle = async (event: unknown, context: Context): Promise<KafkaBatchResponse> => {
    const started = Date.now();
    const records = decodeEvent(event);
    const deadlineMs = started + context.getRemainingTimeInMillis() - margin;
    const outcomes = await runtime.run(records, { deadlineMs });
    const response = toBatchItemFailures(outcomes.map((outcome) => ({ record: outcome.record, status: toResponseStatus(outcome) })));

    publishBatchMetrics(settings, {
      latencyMs: Date.now() - started,
      records: outcomes.map((outcome) => ({
        topic: outcome.record.topic,
        status: outcome.status,
        ...(outcome.status === 'written' ? { tables: tablesByTopic.get(outcome.record.topic) ?? [], coalesced: outcome.coalesced === true } : {}),
      })),
    });
    const counts = { written: 0, 'dead-lettered': 0, failed: 0 };
    for (const outcome of outcomes) counts[outcome.status] += 1;
    logger.info('batch done', { records: records.length, ...counts, retryFrom: response.batchItemFailures.map((failure) => failure.itemIdentifier) });
    logNotWritten(logger, outcomes);
    const halts = summarizeHalts(outcomes);
    for (const halt of halts) {
      logger.error('sink halted: a systemic failure, nothing dead-lettered; the partition waits at its lowest failed offset until the cause is fixed', haltLogFields(halt));
    }
    publishHaltMetrics(
      settings,
      halts.flatMap((halt) => [...halt.heldByTopic].map(([topic, heldRecords]) => ({ topic, table: halt.error.halt.table, heldRecords }))),
    );
    return response;
  };

  // Middy's early timeout is the last resort: the runtime already stops
  // starting writes `margin` ms before the deadline.
  return middy<unknown, KafkaBatchResponse>({ timeoutEarlyInMillis: Math.min(500, margin) })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}

/** Dead letters logged one by one per batch before only their count is: a systematic mapping error can poison every record. */
const MAX_DEAD_LETTERS_LOGGED = 10;

/**
 * Logs what was not written without a line per record: every record of a
 * failing partition is redelivered from its lowest failed offset, so one line
 * per partition says all there is; dead letters are in the queue in full.
 */
function logNotWritten(logger: ReturnType<typeof observability>['logger'], outcomes: readonly FinalOutcome[]): void {
  const failedByPartition = new Map<string, { first: FinalOutcome & { status: 'failed' }; count: number }>();
  let deadLettered = 0;
  for (const outcome of outcomes) {
    const where = { topic: outcome.record.topic, partition: outcome.record.partition, offset: outcome.record.offset };
    if (outcome.status === 'dead-lettered') {
      deadLettered += 1;
      if (deadLettered <= MAX_DEAD_LETTERS_LOGGED) logger.warn('record dead-lettered', { ...where, tables: outcome.tables, error: { name: outcome.error.name, message: outcome.error.message } });
    } else if (outcome.status === 'failed') {
      const key = `${outcome.record.topic}-${outcome.record.partition}`;
      const entry = failedByPartition.get(key);
      if (entry === undefined) failedByPartition.set(key, { first: outcome, count: 1 });
      else entry.count += 1;
    }
  }
  if (deadLettered > MAX_DEAD_LETTERS_LOGGED) logger.warn('more records dead-lettered', { count: deadLettered - MAX_DEAD_LETTERS_LOGGED });
  for (const { first, count } of failedByPartition.values()) {
    // A halted partition has its own line (below, once per systemic failure).
    if (first.error instanceof SystemicFailureError) continue;
    logger.warn('records failed; the event source will deliver them again', {
      topic: first.record.topic,
      partition: first.record.partition,
      firstFailedOffset: first.record.offset,
      failedRecords: count,
      error: { name: first.error.name, message: first.error.message },
    });
  }
}
