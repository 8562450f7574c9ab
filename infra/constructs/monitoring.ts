import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, MetricName } from '../../lambdas/contract/metric-names.js';

export interface SinkMonitoringProps {
  readonly dashboardName: string;
  readonly sinkFunction: lambda.IFunction;
  readonly replayFunction: lambda.IFunction;
  readonly dlq: sqs.IQueue;
  readonly replayQueue: sqs.IQueue;
  /** The topics the mappings consume: the `topic` dimension of the sink's own metrics. */
  readonly topics: readonly string[];
  /**
   * The Kafka event source mappings' ids (EventSourceMappingUUID), for their error metrics.
   * @default - no event source error alarm
   */
  readonly eventSourceMappingIds?: readonly string[];
  /**
   * Whether the mappings are meant to poll. When false (paused in the deployment
   * config), the not-polling alarm still changes state but notifies nobody.
   * @default true
   */
  readonly mappingsEnabled?: boolean;
  /** @default 10000 */
  readonly offsetLagThreshold?: number;
  /** @default 15 */
  readonly offsetLagMinutes?: number;
  /** @default 1 */
  readonly errorsThreshold?: number;
  /** Minutes without an OffsetLag datapoint before the not-polling alarm; a multiple of 5. @default 15 */
  readonly notPollingMinutes?: number;
  /** @default 60 */
  readonly replayAgeMinutes?: number;
  /** @default - alarms without actions */
  readonly alarmTopicArn?: string;
}

/** One alarm: what it watches and when it fires. */
export interface SinkAlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** What the alarm means, for its description (the runbook says what to do). */
  readonly description: string;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparison?: cloudwatch.ComparisonOperator;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default NOT_BREACHING: no data means no traffic or no failures */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /** @default true */
  readonly actionsEnabled?: boolean;
}

const FIVE_MINUTES = Duration.minutes(5);
const SUM_5M = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };

/**
 * The alarms of the runbook (docs/deploy.md) and one dashboard for the whole
 * sink. Every alarm goes through addAlarm(): same description suffix, same SNS
 * action, listed on the dashboard.
 */
export class SinkMonitoring extends Construct {
  /** By name: offsetLag, notPolling, eventSourceErrors (with mapping ids and ErrorCount metrics), dlqMessages, deadLettersSent, sinkErrors, sinkThrottles, replayErrors, replayAge, sinkHalted. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  readonly dashboard: cloudwatch.Dashboard;
  private readonly alarmTopic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: SinkMonitoringProps) {
    super(scope, id);
    if (props.alarmTopicArn !== undefined) this.alarmTopic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    const sink = props.sinkFunction;
    const metrics = sinkMetrics(props);
    const notPollingPeriods = (props.notPollingMinutes ?? 15) / 5;
    if (!Number.isInteger(notPollingPeriods) || notPollingPeriods < 1)
      throw new Error(`notPollingMinutes must be a positive multiple of 5 (got ${props.notPollingMinutes})`);

    this.addAlarm('offsetLag', 'OffsetLagAlarm', {
      metric: metrics.offsetLag,
      threshold: props.offsetLagThreshold ?? 10_000,
      evaluationPeriods: props.offsetLagMinutes ?? 15,
      description: 'The sink is falling behind Kafka.',
    });
    // A polling mapping keeps publishing OffsetLag (zero included), so a silence of notPollingMinutes means nothing polls.
    // That zero-lag datapoints keep coming on an idle topic is an assumption no emulator here can check: see docs/deploy.md.
    this.addAlarm('notPolling', 'NotPollingAlarm', {
      metric: metrics.offsetLagSamples,
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: notPollingPeriods,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      actionsEnabled: props.mappingsEnabled ?? true,
      description:
        'No event source mapping reports OffsetLag: the mappings stopped polling (paused, disabled by Lambda, or in an error state).',
    });
    if (metrics.eventSourceErrors !== undefined) {
      this.addAlarm('eventSourceErrors', 'EventSourceErrorsAlarm', {
        metric: metrics.eventSourceErrors,
        threshold: 1,
        description: 'The event source mappings failed to poll Kafka (PollingErrorCount).',
      });
    }
    this.addAlarm('dlqMessages', 'DlqMessagesAlarm', {
      metric: metrics.dlqVisible,
      threshold: 1,
      description: 'Records wait in the dead-letter queue.',
    });
    // NumberOfMessagesSent counts SendMessage calls (the sink's poison records, the mappings' on-failure batches), not
    // messages moved back by the replay queue's redrive policy: those raise ReplayErrors first.
    this.addAlarm('deadLettersSent', 'DeadLettersSentAlarm', {
      metric: props.dlq.metricNumberOfMessagesSent(SUM_5M),
      threshold: 1,
      description: 'New records were dead-lettered in the last 5 minutes.',
    });
    this.addAlarm('sinkErrors', 'SinkErrorsAlarm', {
      metric: sink.metricErrors(SUM_5M),
      threshold: props.errorsThreshold ?? 1,
      description: 'Sink invocations failed.',
    });
    this.addAlarm('sinkThrottles', 'SinkThrottlesAlarm', {
      metric: sink.metricThrottles(SUM_5M),
      threshold: 1,
      description: 'Sink invocations were throttled.',
    });
    this.addAlarm('replayErrors', 'ReplayErrorsAlarm', {
      metric: props.replayFunction.metricErrors(SUM_5M),
      threshold: 1,
      description: 'Replay invocations failed.',
    });
    this.addAlarm('replayAge', 'ReplayAgeAlarm', {
      metric: props.replayQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: (props.replayAgeMinutes ?? 60) * 60,
      description: 'A redriven record has waited too long in the replay queue.',
    });
    // Records held by the brake, all topics and tables together (the per topic/table series say where).
    this.addAlarm('sinkHalted', 'SinkHaltedAlarm', {
      metric: new cloudwatch.Metric({
        namespace: DEFAULT_METRICS_NAMESPACE,
        metricName: MetricName.SinkHalted,
        dimensionsMap: { service: DEFAULT_SERVICE_NAME },
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      description:
        'The sink halted on a systemic failure (a wrong mapping, a dropped column): nothing is dead-lettered, the partition waits until the cause is fixed.',
    });
    this.dashboard = this.buildDashboard(props, metrics);
  }

  /** Adds one alarm under `name` (construct id `id`), notifying the alarm topic if there is one. */
  addAlarm(name: string, id: string, spec: SinkAlarmSpec): cloudwatch.Alarm {
    if (this.alarms[name] !== undefined) throw new Error(`alarm ${JSON.stringify(name)} is already defined`);
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      comparisonOperator: spec.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: spec.actionsEnabled ?? true,
      alarmDescription: `${spec.description} See the runbook in docs/deploy.md.`,
    });
    if (this.alarmTopic !== undefined) alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms[name] = alarm;
    return alarm;
  }

  private buildDashboard(props: SinkMonitoringProps, metrics: SinkMetrics): cloudwatch.Dashboard {
    const { sinkFunction: sink, replayFunction: replay } = props;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 12 });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24 }),
      graph(
        'Kafka offset lag (records waiting, worst topic)',
        [metrics.offsetLag],
        metrics.eventSourceErrors === undefined ? [] : [metrics.eventSourceErrors],
      ),
      graph('Records written, dead-lettered, failed (per topic)', [...metrics.written, ...metrics.deadLettered, ...metrics.failed]),
      graph('Batch latency (ms, p50 and p99 per topic)', metrics.batchLatency),
      graph('Sink invocations, errors, throttles', [
        sink.metricInvocations(SUM_5M),
        sink.metricErrors(SUM_5M),
        sink.metricThrottles(SUM_5M),
      ]),
      graph(
        'Sink duration (p50, p99) and concurrency',
        [sink.metricDuration({ statistic: 'p50' }), sink.metricDuration({ statistic: 'p99' })],
        [sink.metric('ConcurrentExecutions', { statistic: cloudwatch.Stats.MAXIMUM })],
      ),
      graph(
        'Dead-letter and replay queues (visible messages, sent to the DLQ)',
        [metrics.dlqVisible, props.replayQueue.metricApproximateNumberOfMessagesVisible(), props.dlq.metricNumberOfMessagesSent(SUM_5M)],
        [props.replayQueue.metricApproximateAgeOfOldestMessage()],
      ),
      graph('Replay invocations and errors', [replay.metricInvocations(SUM_5M), replay.metricErrors(SUM_5M)]),
    );
    return dashboard;
  }
}

interface SinkMetrics {
  readonly offsetLag: cloudwatch.IMetric;
  readonly offsetLagSamples: cloudwatch.IMetric;
  readonly eventSourceErrors?: cloudwatch.IMetric;
  readonly dlqVisible: cloudwatch.IMetric;
  readonly written: cloudwatch.IMetric[];
  readonly deadLettered: cloudwatch.IMetric[];
  readonly failed: cloudwatch.IMetric[];
  readonly batchLatency: cloudwatch.IMetric[];
}

function sinkMetrics(props: SinkMonitoringProps): SinkMetrics {
  // OffsetLag: per topic, the records written to it that the mapping's consumer group has not processed yet (AWS/Lambda, by FunctionName).
  const offsetLagOf = (statistic: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OffsetLag',
      dimensionsMap: { FunctionName: props.sinkFunction.functionName },
      statistic,
      period: Duration.minutes(1),
    });
  const own = (metricName: string, topic: string, statistic: string = cloudwatch.Stats.SUM) =>
    new cloudwatch.Metric({
      namespace: DEFAULT_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: DEFAULT_SERVICE_NAME, topic },
      statistic,
      period: FIVE_MINUTES,
      label: `${metricName} ${topic}${statistic === cloudwatch.Stats.SUM ? '' : ` ${statistic}`}`,
    });
  const ids = props.eventSourceMappingIds ?? [];
  return {
    offsetLag: offsetLagOf(cloudwatch.Stats.MAXIMUM),
    offsetLagSamples: offsetLagOf(cloudwatch.Stats.SAMPLE_COUNT).with({ period: FIVE_MINUTES }),
    eventSourceErrors: ids.length === 0 ? undefined : sumOf('PollingErrorCount', ids),
    dlqVisible: props.dlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
    written: props.topics.map((topic) => own(MetricName.RecordsWritten, topic)),
    deadLettered: props.topics.map((topic) => own(MetricName.RecordsDeadLettered, topic)),
    failed: props.topics.map((topic) => own(MetricName.RecordsFailed, topic)),
    batchLatency: props.topics.flatMap((topic) => [own(MetricName.BatchLatency, topic, 'p50'), own(MetricName.BatchLatency, topic, 'p99')]),
  };
}

/** The sum over the mappings of one event source mapping metric (published by EventSourceMappingUUID). */
function sumOf(metricName: string, mappingIds: readonly string[]): cloudwatch.IMetric {
  const usingMetrics = Object.fromEntries(
    mappingIds.map((uuid, index) => [
      `m${index}`,
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { EventSourceMappingUUID: uuid },
        statistic: cloudwatch.Stats.SUM,
        period: FIVE_MINUTES,
      }),
    ]),
  );
  if (mappingIds.length === 1) return Object.values(usingMetrics)[0] as cloudwatch.IMetric;
  return new cloudwatch.MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label: metricName,
    period: FIVE_MINUTES,
  });
}
