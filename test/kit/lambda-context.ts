/**
 * One Lambda context for every test (after Powertools TypeScript's
 * `packages/testing` context: one complete `Context`, no casts). Built on the
 * local poller's `createLambdaContext`, the context `npm start` hands the
 * handler, so tests, the bench and the local runner see the same shape.
 */
import type { Context } from 'aws-lambda';
import { createLambdaContext } from '../../local/poller/invoke.js';
import { endpoints } from '../../local/services/paths.js';

export interface LambdaContextOptions {
  /** Default `kcs-test`. */
  readonly functionName?: string;
  /** Default a fresh `req-<n>` per context. */
  readonly requestId?: string;
  /** Default 1024. */
  readonly memoryLimitInMB?: number;
  /** What "now" is for the countdown; default Date.now. */
  readonly clock?: () => number;
}

let requests = 0;

/** The deprecated callback-style members, present as in the runtime's context; an async handler never calls them. */
const callbacks = { done: () => undefined, fail: () => undefined, succeed: () => undefined };

/** A Lambda context whose `getRemainingTimeInMillis()` counts down from `timeoutMs` (default 60 s) from now. */
export function lambdaContext(timeoutMs = 60_000, options: LambdaContextOptions = {}): Context {
  const clock = options.clock ?? Date.now;
  requests += 1;
  const context = createLambdaContext(
    {
      functionName: options.functionName ?? 'kcs-test',
      functionVersion: '$LATEST',
      memoryLimitInMB: options.memoryLimitInMB ?? 1024,
      timeoutMs,
      region: endpoints.awsRegion,
      accountId: '000000000000',
    },
    options.requestId ?? `req-${String(requests)}`,
    clock() + timeoutMs,
    clock,
  );
  return { ...context, ...callbacks };
}
