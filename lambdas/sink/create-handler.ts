import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { observability, observabilitySettings } from '../adapters/observability.js';
import type { SinkRuntime } from '../composition/sink-runtime.js';
import { decodeEvent, type KafkaBatchResponse } from '../core/event/index.js';
import type { RecordOutcome } from '../core/outcome.js';
import { asBatchResponse, batchReport, type SinkBatchResult } from '../framework/batch-report.js';

export interface SinkHandlerOptions {
  /** No write starts later than this before the function's deadline; the rest are reported as failures. Default 3,000 ms. */
  readonly stopWritesBeforeDeadlineMs?: number;
}

/**
 * The Kafka event source mapping handler: decode the batch and run it
 * through the core; the batchReport middleware answers with the partial
 * batch response and publishes the metrics and the result log. Everything
 * else lives in the runtime (built once per container) and the core.
 *
 * A malformed event throws: without valid records there is nothing to report
 * per record, so the event source retries the batch and, once its retries are
 * spent, sends it to the on-failure destination — nothing is dropped.
 */
export function createSinkHandler(
  runtime: SinkRuntime,
  options: SinkHandlerOptions = {},
): (event: unknown, context: Context) => Promise<KafkaBatchResponse> {
  const { logger } = observability();
  const margin = options.stopWritesBeforeDeadlineMs ?? 3_000;
  const tablesByTopic = new Map(Object.entries(runtime.config.topics).map(([topic, settings]) => [topic, Object.keys(settings.tables)]));

  const run = async (event: unknown, context: Context): Promise<readonly RecordOutcome[]> => {
    const started = Date.now();
    const records = decodeEvent(event);
    return runtime.run(records, { deadlineMs: started + context.getRemainingTimeInMillis() - margin });
  };

  // Middy's early timeout is the last resort: the runtime already stops
  // starting writes `margin` ms before the deadline.
  const handler = middy<unknown, SinkBatchResult>({ timeoutEarlyInMillis: Math.min(500, margin) })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(batchReport({ logger, settings: observabilitySettings(), tablesByTopic }))
    .handler(run);
  return async (event, context) => asBatchResponse(await handler(event, context));
}
