import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  observabilitySettings,
  publishBatchMetrics,
  publishHaltMetrics,
  type ObservabilitySettings,
} from '../../../lambdas/adapters/observability.js';

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

class CapturingMetrics extends Metrics {
  constructor(
    settings: ObservabilitySettings,
    private readonly sink: Emf[],
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

describe('observability', () => {
  it('takes names from the environment, with defaults', () => {
    expect(observabilitySettings({})).toEqual({ serviceName: DEFAULT_SERVICE_NAME, namespace: DEFAULT_METRICS_NAMESPACE });
    expect(observabilitySettings({ POWERTOOLS_SERVICE_NAME: 'svc', POWERTOOLS_METRICS_NAMESPACE: 'Ns' })).toEqual({
      serviceName: 'svc',
      namespace: 'Ns',
    });
  });

  it('publishes per-topic counts and latency, and per-table writes', () => {
    const emitted: Emf[] = [];
    const settings = { serviceName: 'svc', namespace: 'Ns' };
    publishBatchMetrics(
      settings,
      {
        latencyMs: 42,
        records: [
          { topic: 'orders', status: 'written', tables: ['shop.orders', 'shop.by_customer'] },
          { topic: 'orders', status: 'written', tables: ['shop.orders'], coalesced: true },
          { topic: 'orders', status: 'dead-lettered' },
          { topic: 'orders', status: 'failed' },
        ],
      },
      (s) => new CapturingMetrics(s, emitted),
    );
    expect(emitted).toHaveLength(3);
    const [topic, ...tables] = emitted;
    expect(topic).toMatchObject({
      topic: 'orders',
      service: 'svc',
      RecordsReceived: 4,
      RecordsWritten: 2,
      RecordsDeadLettered: 1,
      RecordsFailed: 1,
      RecordsCoalesced: 1,
      BatchLatency: 42,
    });
    expect(topic?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Ns');
    expect(topic?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'topic']));
    expect(topic?._aws.CloudWatchMetrics[0]?.Metrics).toContainEqual({ Name: 'BatchLatency', Unit: 'Milliseconds' });
    expect(tables.map((t) => [t.table, t.RecordsWritten])).toEqual([
      ['shop.orders', 2],
      ['shop.by_customer', 1],
    ]);
    expect(tables[0]?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(expect.arrayContaining(['topic', 'table']));
  });

  it('counts a table per topic, publishing the per-table documents in the order they were first seen', () => {
    const emitted: Emf[] = [];
    publishBatchMetrics(
      { serviceName: 'svc', namespace: 'Ns' },
      {
        latencyMs: 1,
        records: [
          { topic: 'a', status: 'written', tables: ['t1'] },
          { topic: 'b', status: 'written', tables: ['t1', 't2'] },
          { topic: 'a', status: 'written', tables: ['t3', 't1'] },
          { topic: 'b', status: 'failed', tables: ['t2'] },
          { topic: 'a', status: 'written', tables: [] },
        ],
      },
      (s) => new CapturingMetrics(s, emitted),
    );
    expect(emitted.map((e) => [e.topic, e.table, e.RecordsReceived, e.RecordsWritten])).toEqual([
      ['a', undefined, 3, 3],
      ['b', undefined, 2, 1],
      ['a', 't1', undefined, 2],
      ['b', 't1', undefined, 1],
      ['b', 't2', undefined, 1],
      ['a', 't3', undefined, 1],
    ]);
  });

  it('publishes SinkHalted in total (service only, for the alarm) and by topic and table; nothing without a halt', () => {
    const emitted: Emf[] = [];
    const settings = { serviceName: 'svc', namespace: 'Ns' };
    const capture = (s: ObservabilitySettings): Metrics => new CapturingMetrics(s, emitted);
    publishHaltMetrics(settings, [], capture);
    expect(emitted).toHaveLength(0);
    publishHaltMetrics(
      settings,
      [
        { topic: 'orders', table: 'shop.orders', heldRecords: 7 },
        { topic: 'refunds', table: 'shop.orders', heldRecords: 3 },
      ],
      capture,
    );
    expect(emitted).toHaveLength(3);
    const [total, ...each] = emitted;
    expect(total).toMatchObject({ service: 'svc', SinkHalted: 10 });
    expect(total?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(['service']);
    expect(each.map((e) => [e.topic, e.table, e.SinkHalted])).toEqual([
      ['orders', 'shop.orders', 7],
      ['refunds', 'shop.orders', 3],
    ]);
  });
});
