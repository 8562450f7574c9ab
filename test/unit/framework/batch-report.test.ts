import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ObservabilitySettings } from '../../../lambdas/adapters/observability.js';
import { PoisonRecordError, SystemicFailureError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { asBatchResponse, batchReport, type ReportLogger, type SinkBatchResult } from '../../../lambdas/framework/batch-report.js';

interface Line {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: unknown;
}

function recordingLogger(): ReportLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (message: string, fields?: unknown) => {
    lines.push({ level, message, fields });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') } as ReportLogger & { lines: Line[] };
}

class CapturingMetrics extends Metrics {
  constructor(
    settings: ObservabilitySettings,
    private readonly sink: Record<string, unknown>[],
  ) {
    super({ namespace: settings.namespace, serviceName: settings.serviceName });
  }
  override publishStoredMetrics(): this {
    this.sink.push(this.serializeMetrics());
    this.clearMetrics();
    this.clearDimensions();
    return this;
  }
}

const record = (topic: string, partition: number, offset: number): KafkaRecord => ({
  topic,
  partition,
  offset: String(offset),
  timestamp: 0,
  timestampType: 'CREATE_TIME',
  key: null,
  value: null,
  headers: [],
});

const settings = { serviceName: 'svc', namespace: 'Ns' };
const context = {} as Context;

function reported(outcomes: () => RecordOutcome[], clock: number[] = [1_000, 1_250]) {
  const logger = recordingLogger();
  const metrics: Record<string, unknown>[] = [];
  const handler = middy<unknown, SinkBatchResult>()
    .use(
      batchReport({
        logger,
        settings,
        tablesByTopic: new Map([['orders', ['shop.orders', 'shop.by_customer']]]),
        createDimensionSet: (s) => new CapturingMetrics(s, metrics),
        now: () => clock.shift() ?? 0,
      }),
    )
    .handler(() => Promise.resolve(outcomes()));
  return { logger, metrics, invoke: async () => asBatchResponse(await handler({}, context)) };
}

describe('batchReport middleware', () => {
  it('answers the partial batch response, publishes the metrics and logs the batch', async () => {
    const { logger, metrics, invoke } = reported(() => [
      { record: record('orders', 0, 1), status: 'written' },
      { record: record('orders', 0, 2), status: 'written', coalesced: true },
      {
        record: record('orders', 0, 3),
        status: 'dead-lettered',
        error: new PoisonRecordError('orders/0@3 → shop.orders: bad'),
        tables: ['shop.orders'],
      },
      { record: record('orders', 1, 8), status: 'failed', error: new TransientError('timeout') },
      { record: record('orders', 1, 7), status: 'failed', error: new TransientError('timeout') },
    ]);
    expect(await invoke()).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-1', offset: 7 } }] });

    expect(metrics).toHaveLength(3);
    expect(metrics[0]).toMatchObject({
      topic: 'orders',
      RecordsReceived: 5,
      RecordsWritten: 2,
      RecordsDeadLettered: 1,
      RecordsFailed: 2,
      RecordsCoalesced: 1,
      BatchLatency: 250,
    });
    expect(metrics.slice(1).map((m) => [m.table, m.RecordsWritten])).toEqual([
      ['shop.orders', 2],
      ['shop.by_customer', 2],
    ]);

    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'batch done'],
      ['warn', 'record dead-lettered'],
      ['warn', 'records failed; the event source will deliver them again'],
    ]);
    expect(logger.lines[0]?.fields).toEqual({
      records: 5,
      written: 2,
      'dead-lettered': 1,
      failed: 2,
      retryFrom: [{ partition: 'orders-1', offset: 7 }],
    });
    expect(Object.keys(logger.lines[0]?.fields as object)).toEqual(['records', 'written', 'dead-lettered', 'failed', 'retryFrom']);
    expect(logger.lines[1]?.fields).toEqual({
      topic: 'orders',
      partition: 0,
      offset: '3',
      tables: ['shop.orders'],
      error: { name: 'PoisonRecordError', message: 'orders/0@3 → shop.orders: bad' },
    });
    expect(logger.lines[2]?.fields).toEqual({
      topic: 'orders',
      partition: 1,
      firstFailedOffset: '8',
      failedRecords: 2,
      error: { name: 'TransientError', message: 'timeout' },
    });
  });

  it('logs ten dead letters one by one, then only their count', async () => {
    const { logger, invoke } = reported(() =>
      Array.from({ length: 13 }, (_, i): RecordOutcome => ({
        record: record('orders', 0, i),
        status: 'dead-lettered',
        error: new PoisonRecordError(`bad ${String(i)}`),
        tables: ['shop.orders'],
      })),
    );
    expect(await invoke()).toEqual({ batchItemFailures: [] });
    const deadLettered = logger.lines.filter((line) => line.message === 'record dead-lettered');
    expect(deadLettered.map((line) => (line.fields as { offset: string }).offset)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(logger.lines.filter((line) => line.message === 'more records dead-lettered').map((line) => line.fields)).toEqual([{ count: 3 }]);
  });

  it('logs and counts a halt once, with no per-partition failure line, and publishes SinkHalted', async () => {
    const halt = new SystemicFailureError('halted, nothing dead-lettered', {
      table: 'shop.orders',
      column: 'amount',
      reason: 'cannot convert',
      records: 2,
      ofRecords: 2,
      rule: 'at least 2 records',
      example: { topic: 'orders', partition: 0, offset: '1' },
    });
    const { logger, metrics, invoke } = reported(() => [
      { record: record('orders', 0, 1), status: 'failed', error: halt },
      { record: record('orders', 0, 2), status: 'failed', error: halt },
    ]);
    expect(await invoke()).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 1 } }] });
    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'batch done'],
      [
        'error',
        'sink halted: a systemic failure, nothing dead-lettered; the partition waits at its lowest failed offset until the cause is fixed',
      ],
    ]);
    expect(logger.lines[1]?.fields).toMatchObject({ table: 'shop.orders', column: 'amount', heldRecords: 2, ofRecords: 2 });
    // Batch metrics (per topic; no table: nothing written), then SinkHalted in total and per topic and table.
    expect(metrics.slice(1).map((m) => [m.topic, m.table, m.SinkHalted])).toEqual([
      [undefined, undefined, 2],
      ['orders', 'shop.orders', 2],
    ]);
  });

  it('lets a handler error through untouched: nothing logged, nothing published', async () => {
    const { logger, metrics, invoke } = reported(() => {
      throw new Error('malformed event: records is missing');
    });
    await expect(invoke()).rejects.toThrow('malformed event: records is missing');
    expect(logger.lines).toEqual([]);
    expect(metrics).toEqual([]);
  });

  it('names the miswiring when a handler answers without the middleware', async () => {
    const bare = middy<unknown, SinkBatchResult>().handler(() => Promise.resolve([] as RecordOutcome[]));
    await expect(bare({}, context).then(asBatchResponse)).rejects.toThrow(/batchReport\(\) is not in its middleware chain/);
  });
});
