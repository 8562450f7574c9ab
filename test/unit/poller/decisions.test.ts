import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  buildOnFailureRecord,
  countExpired,
  decideOutcome,
  decideRetry,
  effectiveMaximumRetryAttempts,
  parseBatchResponse,
  selectBatch,
  type PartitionView,
  type RetryOptions,
} from '../../../local/poller/decisions.js';

const view = (key: string, overrides: Partial<PartitionView> = {}): PartitionView => ({
  key,
  available: 0,
  limit: Number.POSITIVE_INFINITY,
  oldestArrivedAt: 0,
  inFlight: false,
  notBefore: 0,
  retrying: false,
  ...overrides,
});
const batching = { batchSize: 10, maximumBatchingWindowMs: 500 };

describe('selectBatch', () => {
  it('is idle with nothing buffered', () => {
    expect(selectBatch([view('t-0')], 1000, batching)).toEqual({ kind: 'idle' });
  });

  it('waits for the window while fewer than batchSize records are buffered', () => {
    expect(selectBatch([view('t-0', { available: 3, oldestArrivedAt: 1000 })], 1200, batching)).toEqual({ kind: 'wait', until: 1500 });
  });

  it('invokes when the window has passed, several partitions in one event', () => {
    const s = selectBatch(
      [view('t-0', { available: 3, oldestArrivedAt: 1000 }), view('t-1', { available: 2, oldestArrivedAt: 1100 })],
      1500,
      batching,
    );
    expect(s).toEqual({
      kind: 'invoke',
      take: [
        { key: 't-0', count: 3 },
        { key: 't-1', count: 2 },
      ],
    });
  });

  it('invokes as soon as batchSize records are there, never more than batchSize in total', () => {
    const s = selectBatch(
      [view('t-0', { available: 8, oldestArrivedAt: 1000 }), view('t-1', { available: 8, oldestArrivedAt: 1001 })],
      1001,
      batching,
    );
    expect(s).toEqual({
      kind: 'invoke',
      take: [
        { key: 't-0', count: 8 },
        { key: 't-1', count: 2 },
      ],
    });
  });

  it('never selects a partition that is in flight or backing off, and wakes when the backoff ends', () => {
    const parts = [view('t-0', { available: 50, inFlight: true }), view('t-1', { available: 50, notBefore: 4000, retrying: true })];
    expect(selectBatch(parts, 1000, batching)).toEqual({ kind: 'wait', until: 4000 });
  });

  it('sends a due retry at once, capped at its limit, retries first', () => {
    const parts = [
      view('t-0', { available: 1, oldestArrivedAt: 900 }),
      view('t-1', { available: 40, limit: 4, notBefore: 1000, retrying: true, oldestArrivedAt: 950 }),
    ];
    expect(selectBatch(parts, 1000, batching)).toEqual({
      kind: 'invoke',
      take: [
        { key: 't-1', count: 4 },
        { key: 't-0', count: 1 },
      ],
    });
  });
});

describe('parseBatchResponse / decideOutcome', () => {
  const parts = [
    { key: 'my-topic-0', offsets: [10n, 11n, 12n, 13n] },
    { key: 'my-topic-1', offsets: [5n, 6n] },
  ];

  it('treats no response, null, and an empty list as success and commits last + 1', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: null }, { batchItemFailures: [] }]) {
      const d = decideOutcome(parts, { kind: 'returned', response }, true);
      expect(d).toEqual({
        kind: 'success',
        parts: [
          { key: 'my-topic-0', commitTo: 14n, failed: [] },
          { key: 'my-topic-1', commitTo: 7n, failed: [] },
        ],
      });
    }
  });

  it('resumes a listed partition at its lowest failed offset, commits the records before it and the other partitions in full', () => {
    const response = {
      batchItemFailures: [
        { itemIdentifier: { partition: 'my-topic-0', offset: 13 } },
        { itemIdentifier: { partition: 'my-topic-0', offset: 11 } },
      ],
    };
    expect(decideOutcome(parts, { kind: 'returned', response }, true)).toEqual({
      kind: 'partial',
      parts: [
        { key: 'my-topic-0', commitTo: 11n, failed: [11n, 12n, 13n] },
        { key: 'my-topic-1', commitTo: 7n, failed: [] },
      ],
    });
  });

  it('accepts "topic-partition" as the partition field, and string offsets', () => {
    const parsed = parseBatchResponse({ batchItemFailures: [{ itemIdentifier: { 'topic-partition': 'my-topic-1', offset: '6' } }] }, parts);
    expect(parsed).toEqual({ ok: true, lowestFailed: new Map([['my-topic-1', 6n]]) });
  });

  it('fails the whole batch on a malformed response or an identifier outside the batch', () => {
    const bad = [
      { batchItemFailures: 'x' },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: 'my-topic-0-10' }] },
      { batchItemFailures: [{ itemIdentifier: { topic: 'my-topic-0', offset: 10 } }] },
      { batchItemFailures: [{ itemIdentifier: { partition: 'my-topic-0' } }] },
      { batchItemFailures: [{ itemIdentifier: { partition: 'other-0', offset: 10 } }] },
      { batchItemFailures: [{ itemIdentifier: { partition: 'my-topic-0', offset: 99 } }] },
    ];
    for (const response of bad) expect(decideOutcome(parts, { kind: 'returned', response }, true).kind).toBe('failure');
  });

  it('ignores the response when ReportBatchItemFailures is off; a throw or timeout fails the batch', () => {
    const response = { batchItemFailures: [{ itemIdentifier: { partition: 'my-topic-0', offset: 10 } }] };
    expect(decideOutcome(parts, { kind: 'returned', response }, false).kind).toBe('success');
    expect(decideOutcome(parts, { kind: 'threw', error: new Error('boom') }, true)).toEqual({
      kind: 'failure',
      reason: 'function error: Error: boom',
    });
    expect(decideOutcome(parts, { kind: 'timedOut' }, true)).toEqual({ kind: 'failure', reason: 'function timed out' });
  });
});

describe('retries', () => {
  const options = (o: Partial<RetryOptions> = {}): RetryOptions => ({
    maximumRetryAttempts: 2,
    hasOnFailureDestination: false,
    bisectBatchOnFunctionError: false,
    backoff: { initialMs: 100, maxMs: 1000, multiplier: 2 },
    ...o,
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 1000, multiplier: 2 }))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('caps infinite retries at 10 with an on-failure destination, as Lambda does', () => {
    expect(effectiveMaximumRetryAttempts(-1, true)).toBe(10);
    expect(effectiveMaximumRetryAttempts(-1, false)).toBe(-1);
    expect(effectiveMaximumRetryAttempts(3, true)).toBe(3);
  });

  it('retries MaximumRetryAttempts times after the first invocation, then discards', () => {
    const first = decideRetry(undefined, 5, true, 0, options());
    expect(first).toEqual({ kind: 'retry', state: { retries: 1, invocations: 1, limit: 5 }, notBefore: 100 });
    if (first.kind !== 'retry') return;
    const second = decideRetry(first.state, 5, true, 1000, options());
    expect(second).toEqual({ kind: 'retry', state: { retries: 2, invocations: 2, limit: 5 }, notBefore: 1200 });
    if (second.kind !== 'retry') return;
    expect(decideRetry(second.state, 5, true, 2000, options())).toEqual({
      kind: 'discard',
      condition: 'RetryAttemptsExhausted',
      invocations: 3,
    });
    expect(decideRetry(undefined, 5, true, 0, options({ maximumRetryAttempts: 0 }))).toEqual({
      kind: 'discard',
      condition: 'RetryAttemptsExhausted',
      invocations: 1,
    });
  });

  it('retries forever with -1 and no destination', () => {
    let state = undefined as Parameters<typeof decideRetry>[0];
    for (let i = 0; i < 50; i++) {
      const d = decideRetry(state, 1, true, 0, options({ maximumRetryAttempts: -1 }));
      expect(d.kind).toBe('retry');
      if (d.kind === 'retry') state = d.state;
    }
  });

  it('bisects a failed batch without counting a retry until it is down to one record', () => {
    const o = options({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 });
    const half = decideRetry(undefined, 8, true, 0, o);
    expect(half).toMatchObject({ kind: 'retry', state: { retries: 0, limit: 4 } });
    if (half.kind !== 'retry') return;
    const quarter = decideRetry(half.state, 4, true, 0, o);
    expect(quarter).toMatchObject({ kind: 'retry', state: { retries: 0, limit: 2 } });
    if (quarter.kind !== 'retry') return;
    const one = decideRetry(quarter.state, 2, true, 0, o);
    expect(one).toMatchObject({ kind: 'retry', state: { limit: 1 } });
    if (one.kind !== 'retry') return;
    expect(decideRetry(one.state, 1, true, 0, o)).toMatchObject({ kind: 'discard' });
    // A partial batch failure is not bisected.
    expect(decideRetry(undefined, 8, false, 0, options({ bisectBatchOnFunctionError: true }))).toMatchObject({
      state: { limit: 8, retries: 1 },
    });
  });

  it('counts leading records older than MaximumRecordAgeInSeconds', () => {
    expect(countExpired([1000, 2000, 50_000, 3000], 61_000, 60)).toBe(0);
    expect(countExpired([1000, 2000, 50_000], 62_500, 60)).toBe(2);
    expect(countExpired([1000], 10_000_000, -1)).toBe(0);
  });
});

describe('on-failure record', () => {
  it('mirrors the SQS/SNS KafkaBatchInfo shape: string offsets, ISO timestamps, per-partition ranges', () => {
    const record = buildOnFailureRecord({
      requestId: 'r-1',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      functionError: true,
      invoked: true,
      executedVersion: '$LATEST',
      now: Date.UTC(2026, 0, 2, 3, 4, 5),
      eventSourceArn: 'arn:aws:kafka:x',
      bootstrapServers: 'h:9092',
      consumerGroupId: 'g',
      payloadSize: 123,
      ranges: [
        {
          key: 'my-topic-0',
          firstOffset: 10n,
          lastOffset: 12n,
          firstTimestamp: Date.UTC(2026, 0, 1),
          lastTimestamp: Date.UTC(2026, 0, 1, 0, 0, 1),
          count: 3,
        },
        { key: 'my-topic-1', firstOffset: 4n, lastOffset: 4n, firstTimestamp: 0, lastTimestamp: 0, count: 1 },
      ],
    });
    expect(record).toEqual({
      requestContext: {
        requestId: 'r-1',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-02T03:04:05.000Z',
      KafkaBatchInfo: {
        batchSize: 4,
        eventSourceArn: 'arn:aws:kafka:x',
        bootstrapServers: 'h:9092',
        consumerGroupId: 'g',
        payloadSize: 123,
        recordsInfo: {
          'my-topic-0': {
            firstRecordOffset: '10',
            lastRecordOffset: '12',
            firstRecordTimestamp: '2026-01-01T00:00:00.000Z',
            lastRecordTimestamp: '2026-01-01T00:00:01.000Z',
          },
          'my-topic-1': {
            firstRecordOffset: '4',
            lastRecordOffset: '4',
            firstRecordTimestamp: '1970-01-01T00:00:00.000Z',
            lastRecordTimestamp: '1970-01-01T00:00:00.000Z',
          },
        },
      },
    });
  });
});
