import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { observability } from '../adapters/observability.js';
import type { Replay } from '../core/replay/replay.js';

export interface ReplayHandlerOptions {
  /** As for the sink handler: no write starts later than this before the deadline. Default 3,000 ms. */
  readonly stopWritesBeforeDeadlineMs?: number;
}

/**
 * The replay queue handler (SQS, ReportBatchItemFailures): glue only. The
 * messages go to the core's replay (lambdas/core/replay), the messages it
 * reports failed become batch item failures and return to the dead-letter
 * queue by the replay queue's redrive policy.
 */
export function createReplayHandler(replay: Replay, options: ReplayHandlerOptions = {}) {
  const { logger } = observability();
  const margin = options.stopWritesBeforeDeadlineMs ?? 3_000;

  const handle = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - margin;
    const failed = await replay.replay(
      event.Records.map((message) => ({ id: message.messageId, body: message.body })),
      { deadlineMs },
    );
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };

  return middy<SQSEvent, SQSBatchResponse>({ timeoutEarlyInMillis: Math.min(500, margin) })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}
