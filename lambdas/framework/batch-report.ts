import type { MiddlewareObj, Request } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { publishBatchMetrics, publishHaltMetrics, createMetrics, type ObservabilitySettings } from '../adapters/observability.js';
import { haltLogFields, summarizeHalts } from '../core/batch/halts.js';
import { SystemicFailureError } from '../core/errors.js';
import { toBatchItemFailures, type KafkaBatchResponse } from '../core/event/index.js';
import { countOutcomes, type RecordOutcome } from '../core/outcome.js';

/** What the sink handler returns to this middleware, and what the middleware returns to Lambda. */
export type SinkBatchResult = readonly RecordOutcome[] | KafkaBatchResponse;

/** The part of the Powertools Logger the report writes to. */
export type ReportLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface BatchReportOptions {
  readonly logger: ReportLogger;
  readonly settings: ObservabilitySettings;
  /** The configured tables of each topic: a written record counts once per table in the per-table RecordsWritten. */
  readonly tablesByTopic: ReadonlyMap<string, readonly string[]>;
  /** For tests: where metrics go. Default: Powertools Metrics (EMF on stdout). */
  readonly createDimensionSet?: (settings: ObservabilitySettings) => Metrics;
  readonly now?: () => number;
}

/** Dead letters logged one by one per batch before only their count is: a systematic mapping error can poison every record. */
const MAX_DEAD_LETTERS_LOGGED = 10;

/**
 * Middy middleware of the sink handler, in the manner of middy's
 * sqs-partial-batch-failure: the handler returns one outcome per record, and
 * `after` turns them into the Kafka partial batch response (the lowest failed
 * offset of each partition), publishes the batch's metrics and halts, and logs
 * the result ('batch done', what was not written, one line per halt).
 *
 * There is no `onError`: a handler that throws (a malformed event) has no
 * record to report, and the error must reach Lambda so that the event source
 * retries the whole batch and, once its retries are spent, sends it to the
 * on-failure destination.
 */
export function batchReport(options: BatchReportOptions): MiddlewareObj<unknown, SinkBatchResult> {
  const { logger, settings, tablesByTopic } = options;
  const now = options.now ?? Date.now;
  const createDimensionSet = options.createDimensionSet ?? createMetrics;
  const startedAt = new WeakMap<Request, number>();
  return {
    name: 'batchReport',
    before: (request) => {
      startedAt.set(request, now());
    },
    after: (request) => {
      const outcomes = request.response;
      if (!isOutcomes(outcomes)) return;
      const response = toBatchItemFailures(outcomes);
      publishBatchMetrics(
        settings,
        {
          latencyMs: now() - (startedAt.get(request) ?? now()),
          records: outcomes.map((outcome) =>
            outcome.status === 'written'
              ? {
                  topic: outcome.record.topic,
                  status: outcome.status,
                  tables: tablesByTopic.get(outcome.record.topic) ?? [],
                  coalesced: outcome.coalesced === true,
                }
              : { topic: outcome.record.topic, status: outcome.status },
          ),
        },
        createDimensionSet,
      );
      const counts = countOutcomes(outcomes);
      logger.info('batch done', {
        records: outcomes.length,
        written: counts.written,
        'dead-lettered': counts.deadLettered,
        failed: counts.failed,
        retryFrom: response.batchItemFailures.map((failure) => failure.itemIdentifier),
      });
      logNotWritten(logger, outcomes);
      const halts = summarizeHalts(outcomes);
      for (const halt of halts) {
        logger.error(
          'sink halted: a systemic failure, nothing dead-lettered; the partition waits at its lowest failed offset until the cause is fixed',
          haltLogFields(halt),
        );
      }
      publishHaltMetrics(
        settings,
        halts.flatMap((halt) =>
          [...halt.heldByTopic].map(([topic, heldRecords]) => ({ topic, table: halt.error.halt.table, heldRecords })),
        ),
        createDimensionSet,
      );
      request.response = response;
    },
  };
}

function isOutcomes(result: SinkBatchResult | null | undefined): result is readonly RecordOutcome[] {
  return Array.isArray(result);
}

/** The handler's answer once the middleware has run: the partial batch response (a handler without it is miswired). */
export function asBatchResponse(result: SinkBatchResult): KafkaBatchResponse {
  if (isOutcomes(result))
    throw new Error('the sink handler returned its outcomes unreported: batchReport() is not in its middleware chain');
  return result;
}

/**
 * Logs what was not written without a line per record: every record of a
 * failing partition is redelivered from its lowest failed offset, so one line
 * per partition says all there is; dead letters are in the queue in full.
 */
function logNotWritten(logger: ReportLogger, outcomes: readonly RecordOutcome[]): void {
  const failedByPartition = new Map<string, { first: RecordOutcome & { status: 'failed' }; count: number }>();
  let deadLettered = 0;
  for (const outcome of outcomes) {
    const where = { topic: outcome.record.topic, partition: outcome.record.partition, offset: outcome.record.offset };
    if (outcome.status === 'dead-lettered') {
      deadLettered += 1;
      if (deadLettered <= MAX_DEAD_LETTERS_LOGGED)
        logger.warn('record dead-lettered', {
          ...where,
          tables: outcome.tables,
          error: { name: outcome.error.name, message: outcome.error.message },
        });
    } else if (outcome.status === 'failed') {
      const key = `${outcome.record.topic}-${outcome.record.partition}`;
      const entry = failedByPartition.get(key);
      if (entry === undefined) failedByPartition.set(key, { first: outcome, count: 1 });
      else entry.count += 1;
    }
  }
  if (deadLettered > MAX_DEAD_LETTERS_LOGGED) logger.warn('more records dead-lettered', { count: deadLettered - MAX_DEAD_LETTERS_LOGGED });
  for (const { first, count } of failedByPartition.values()) {
    // A halted partition has its own line (once per systemic failure).
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
