import type { InvocationResult } from './decisions.js';
import type { KafkaHandler, LambdaLikeContext, MskEvent } from './types.js';

export interface FunctionSettings {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: number;
  /** The function timeout; an invocation running longer is a failed invocation. */
  readonly timeoutMs: number;
  readonly region: string;
  readonly accountId: string;
}

export function functionArn(settings: FunctionSettings): string {
  return `arn:aws:lambda:${settings.region}:${settings.accountId}:function:${settings.functionName}`;
}

/** A context shaped like the Node.js Lambda runtime's, counting down from `deadline`. */
export function createLambdaContext(
  settings: FunctionSettings,
  requestId: string,
  deadline: number,
  clock: () => number = Date.now,
): LambdaLikeContext {
  const today = new Date(clock()).toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    functionName: settings.functionName,
    functionVersion: settings.functionVersion,
    invokedFunctionArn: functionArn(settings),
    memoryLimitInMB: String(settings.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${settings.functionName}`,
    logStreamName: `${today}/[${settings.functionVersion}]local`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock()),
  };
}

/**
 * Invokes the handler and enforces the timeout. A handler that has not settled
 * by the deadline is a timed-out (failed) invocation; it cannot be killed in
 * process, so its late result is ignored, as a frozen sandbox's would be.
 */
export async function invokeWithTimeout(
  handler: KafkaHandler,
  event: MskEvent,
  context: LambdaLikeContext,
  timeoutMs: number,
): Promise<InvocationResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvocationResult>((resolve) => {
    timer = setTimeout(() => {
      resolve({ kind: 'timedOut' });
    }, timeoutMs);
  });
  const run = (async (): Promise<InvocationResult> => {
    try {
      // Round-trip through JSON like the Lambda service: the handler gets data, and returns data.
      const response: unknown = await handler(structuredClone(event), context);
      return { kind: 'returned', response: response === undefined ? undefined : (JSON.parse(JSON.stringify(response)) as unknown) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
