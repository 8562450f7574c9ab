import { describe, expect, it } from 'vitest';
import { createLambdaContext, invokeWithTimeout, type FunctionSettings } from '../../../local/poller/invoke.js';
import type { MskEvent } from '../../../local/poller/types.js';

const settings: FunctionSettings = {
  functionName: 'sink',
  functionVersion: '$LATEST',
  memoryLimitInMB: 512,
  timeoutMs: 80,
  region: 'eu-west-1',
  accountId: '123456789012',
};
const event: MskEvent = { eventSource: 'aws:kafka', bootstrapServers: 'h:9092', records: {} };

describe('Lambda-like invocation', () => {
  it('gives a context with the function identity and a countdown', () => {
    let now = 1000;
    const context = createLambdaContext(settings, 'req-1', 1080, () => now);
    expect(context).toMatchObject({
      functionName: 'sink',
      functionVersion: '$LATEST',
      memoryLimitInMB: '512',
      awsRequestId: 'req-1',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:sink',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.getRemainingTimeInMillis()).toBe(80);
    now = 1100;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('returns the JSON round trip of the response, reports a throw, and fails a handler that outlives the timeout', async () => {
    const context = createLambdaContext(settings, 'r', Date.now() + 80);
    await expect(invokeWithTimeout(() => Promise.resolve({ batchItemFailures: [] }), event, context, 80)).resolves.toEqual({
      kind: 'returned',
      response: { batchItemFailures: [] },
    });
    await expect(invokeWithTimeout(() => Promise.reject(new Error('x')), event, context, 80)).resolves.toMatchObject({ kind: 'threw' });
    await expect(invokeWithTimeout(() => new Promise(() => undefined), event, context, 50)).resolves.toEqual({ kind: 'timedOut' });
  });
});
