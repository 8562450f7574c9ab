import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { countOutcome, noOutcomes, type CountedOutcome, type OutcomeCounts } from '../core/outcome.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, MetricName } from '../contract/metric-names.js';
import { readRuntimeEnvironment } from '../contract/runtime-env.js';

/**
 * Logging and metrics for the handlers: Powertools Logger (structured JSON)
 * and Metrics (CloudWatch embedded metric format, no API calls).
 *
 * Names come from the environment with defaults, as Powertools reads them:
 *  - POWERTOOLS_SERVICE_NAME        service name on logs and metrics (default "kafka-cql-sink")
 *  - POWERTOOLS_METRICS_NAMESPACE   CloudWatch namespace (default "KafkaCqlSink")
 *  - POWERTOOLS_LOG_LEVEL           log level (default INFO)
 *
 * Metrics, each by `topic`, and RecordsWritten also by `topic` and `table`:
 *  - RecordsReceived      records in the batch
 *  - RecordsWritten       records written (per table: rows written to that table)
 *  - RecordsDeadLettered  poison records sent to the dead-letter queue
 *  - RecordsFailed        records reported back for retry (transient failures)
 *  - RecordsCoalesced     written records with a write left out because a later
 *                         record of the batch covers it (hot keys: fewer writes)
 *  - BatchLatency         milliseconds from the start of the invocation to its response
 * (names in lambdas/contract/metric-names.ts, shared with the CDK dashboard).
 *  - SinkHalted           by `topic` and `table`, and a total by `service` alone: records held by
 *                         the brake (a systemic failure: nothing dead-lettered, the partition waits)
 */
export { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, MetricName };

export interface ObservabilitySettings {
  readonly serviceName: string;
  readonly namespace: string;
}

export function observabilitySettings(env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  const { serviceName, metricsNamespace } = readRuntimeEnvironment(env);
  return { serviceName, namespace: metricsNamespace };
}

export function createLogger(settings: ObservabilitySettings = observabilitySettings()): Logger {
  return new Logger({ serviceName: settings.serviceName });
}

export function createMetrics(settings: ObservabilitySettings = observabilitySettings()): Metrics {
  return new Metrics({ namespace: settings.namespace, serviceName: settings.serviceName });
}

/** One pair per container, shared by the handler and the adapters. */
let shared: { logger: Logger; metrics: Metrics } | undefined;
export function observability(): { logger: Logger; metrics: Metrics } {
  shared ??= (() => {
    const settings = observabilitySettings();
    return { logger: createLogger(settings), metrics: createMetrics(settings) };
  })();
  return shared;
}

/** What happened to one record, as metrics count it. */
export interface RecordResult extends CountedOutcome {
  readonly topic: string;
  /** Tables the record was written to (for the per-table RecordsWritten). */
  readonly tables?: readonly string[];
  /** Written, with a write left out because a later record's write covers it. */
  readonly coalesced?: boolean;
}

export interface BatchMetrics {
  readonly latencyMs: number;
  readonly records: readonly RecordResult[];
}

interface TableCounts {
  readonly topic: string;
  readonly table: string;
  readonly counts: OutcomeCounts;
}

/**
 * Publishes a batch's metrics: one EMF document per dimension set (per topic,
 * and per topic and table). Counts are emitted even when zero so dashboards
 * and alarms see a steady series.
 */
export function publishBatchMetrics(
  settings: ObservabilitySettings,
  batch: BatchMetrics,
  createDimensionSet: (settings: ObservabilitySettings) => Metrics = createMetrics,
): void {
  const byTopic = new Map<string, { received: number; counts: OutcomeCounts }>();
  // Per topic, then per table, for lookup without a composite key per record; `byTable` keeps first-seen order.
  const tableEntries = new Map<string, Map<string, TableCounts>>();
  const byTable: TableCounts[] = [];
  for (const record of batch.records) {
    let topic = byTopic.get(record.topic);
    if (topic === undefined) byTopic.set(record.topic, (topic = { received: 0, counts: noOutcomes() }));
    topic.received++;
    countOutcome(record, topic.counts);
    if (record.status === 'written' && record.tables !== undefined && record.tables.length > 0) {
      let tables = tableEntries.get(record.topic);
      if (tables === undefined) tableEntries.set(record.topic, (tables = new Map<string, TableCounts>()));
      for (const table of record.tables) {
        let entry = tables.get(table);
        if (entry === undefined) {
          entry = { topic: record.topic, table, counts: noOutcomes() };
          tables.set(table, entry);
          byTable.push(entry);
        }
        countOutcome(record, entry.counts);
      }
    }
  }
  for (const [topic, { received, counts }] of byTopic) {
    const metrics = createDimensionSet(settings);
    metrics.addDimension('topic', topic);
    metrics.addMetric(MetricName.RecordsReceived, MetricUnit.Count, received);
    metrics.addMetric(MetricName.RecordsWritten, MetricUnit.Count, counts.written);
    metrics.addMetric(MetricName.RecordsDeadLettered, MetricUnit.Count, counts.deadLettered);
    metrics.addMetric(MetricName.RecordsFailed, MetricUnit.Count, counts.failed);
    metrics.addMetric(MetricName.RecordsCoalesced, MetricUnit.Count, counts.coalesced);
    metrics.addMetric(MetricName.BatchLatency, MetricUnit.Milliseconds, batch.latencyMs);
    metrics.publishStoredMetrics();
  }
  for (const { topic, table, counts } of byTable) {
    const metrics = createDimensionSet(settings);
    metrics.addDimensions({ topic, table });
    metrics.addMetric(MetricName.RecordsWritten, MetricUnit.Count, counts.written);
    metrics.publishStoredMetrics();
  }
}

/** Records held by a systemic failure, per topic and table. */
export interface HaltMetric {
  readonly topic: string;
  readonly table: string;
  readonly heldRecords: number;
}

/**
 * Publishes SinkHalted by topic and table, and its total with the service
 * dimension only: the alarm of the runbook's "sink halted" entry watches the
 * total (an alarm needs fixed dimensions, and the tables are the config's).
 */
export function publishHaltMetrics(
  settings: ObservabilitySettings,
  halts: readonly HaltMetric[],
  createDimensionSet: (settings: ObservabilitySettings) => Metrics = createMetrics,
): void {
  if (halts.length === 0) return;
  const total = createDimensionSet(settings);
  total.addMetric(
    MetricName.SinkHalted,
    MetricUnit.Count,
    halts.reduce((sum, halt) => sum + halt.heldRecords, 0),
  );
  total.publishStoredMetrics();
  for (const { topic, table, heldRecords } of halts) {
    const metrics = createDimensionSet(settings);
    metrics.addDimensions({ topic, table });
    metrics.addMetric(MetricName.SinkHalted, MetricUnit.Count, heldRecords);
    metrics.publishStoredMetrics();
  }
}
