import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../kit/index.js';

describe('the kit’s Lambda context', () => {
  it('is a whole Context: identity, a fresh request id, the callbacks an async handler ignores', () => {
    const a = lambdaContext(1_000, { functionName: 'replay', memoryLimitInMB: 512 });
    const b = lambdaContext();
    expect(a).toMatchObject({
      functionName: 'replay',
      functionVersion: '$LATEST',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/replay',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(a.invokedFunctionArn).toMatch(/^arn:aws:lambda:[a-z0-9-]+:000000000000:function:replay$/);
    expect(a.awsRequestId).not.toBe(b.awsRequestId);
    expect(b.functionName).toBe('kcs-test');
    expect(lambdaContext(1, { requestId: 'r-1' }).awsRequestId).toBe('r-1');
    for (const callback of ['done', 'fail', 'succeed']) expect(typeof (a as unknown as Record<string, unknown>)[callback]).toBe('function');
  });

  it('counts down from the timeout on its clock and stops at zero', () => {
    let now = 5_000;
    const context = lambdaContext(800, { clock: () => now });
    expect(context.getRemainingTimeInMillis()).toBe(800);
    now += 300;
    expect(context.getRemainingTimeInMillis()).toBe(500);
    now += 10_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });
});
