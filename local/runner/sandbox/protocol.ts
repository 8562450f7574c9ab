/**
 * The messages between the sandbox pool (the poller's side, standing in for
 * the Lambda service) and one sandbox (a worker thread standing in for one
 * Lambda execution environment).
 */
import type { OutcomeCounts } from '../../../lambdas/core/outcome.js';

/** What a sandbox gets at start: its environment, as a Lambda container gets its function's. */
export interface SandboxInit {
  readonly env: Readonly<Record<string, string>>;
}

/** The context fields the sandbox rebuilds a Lambda context from; the deadline is epoch ms (one clock for every thread). */
export interface SandboxContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly deadline: number;
}

export type ToSandbox =
  /** `event`: the event serialized, as Lambda's runtime API hands it to the runtime. */
  { readonly type: 'invoke'; readonly event: string; readonly context: SandboxContext } | { readonly type: 'close' };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type FromSandbox =
  | { readonly type: 'ready'; readonly tables: readonly string[] }
  | { readonly type: 'init-failed'; readonly error: SerializedError }
  /** `response`: the handler's result serialized (absent when it returned nothing); `counts`: the outcomes of this invocation. */
  | { readonly type: 'returned'; readonly response?: string; readonly counts: OutcomeCounts }
  | { readonly type: 'threw'; readonly error: SerializedError; readonly counts: OutcomeCounts }
  | { readonly type: 'closed' };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error)
    return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  return { name: 'Error', message: String(error) };
}
