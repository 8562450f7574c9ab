import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SinkMonitoringProps {
  readonly dashboardName: string;
  readonly sinkFunction: lambda.IFunction;
  readonly replayFunction: lambda.IFunction;
  readonly dlq: sqs.IQueue;
  readonly replayQueue: sqs.IQueue;
  /** @default 10000 */
  readonly offsetLagThreshold?: number;
  /** @default 15 */
  readonly offsetLagMinutes?: number;
  /** @default 1 */
  readonly errorsThreshold?: number;
  /** @default - alarms without actions */
  readonly alarmTopicArn?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Where the sink function's own metrics land (lambdas/adapters/observability.ts defaults, POWERTOOLS_SERVICE_NAME of the sink stack). */
const SINK_METRICS = { namespace: 'KafkaCqlSink', service: 'kafka-cql-sink' } as const;

/** The alarms of the runbook (docs/deploy.md) and one dashboard for the whole sink. */
export class SinkMonitoring extends Construct {
  readonly alarms: Record<'offsetLag' | 'dlqMessages' | 'sinkErrors' | 'sinkThrottles' | 'replayErrors' | 'sinkHalted', cloudwatch.Alarm>;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SinkMonitoringProps) {
    super(scope, id);
    const sink = props.sinkFunction;
    // Records behind the head of the topic, worst partition; the pollers scale on it.
    const offsetLag = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'OffsetLag',
      dimensionsMap: { FunctionName: sink.functionName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    });
    const dlqVisible = props.dlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM });
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1) =>
      new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means no traffic (or no failures): not an alarm.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${description} See the runbook in docs/deploy.md.`,
      });
    this.alarms = {
      offsetLag: alarm('OffsetLagAlarm', offsetLag, props.offsetLagThreshold ?? 10_000, 'The sink is falling behind Kafka.', props.offsetLagMinutes ?? 15),
      dlqMessages: alarm('DlqMessagesAlarm', dlqVisible, 1, 'Records were dead-lettered.'),
      sinkErrors: alarm('SinkErrorsAlarm', sink.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }), props.errorsThreshold ?? 1, 'Sink invocations failed.'),
      sinkThrottles: alarm('SinkThrottlesAlarm', sink.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }), 1, 'Sink invocations were throttled.'),
      replayErrors: alarm('ReplayErrorsAlarm', props.replayFunction.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }), 1, 'Replay invocations failed.'),
      // Records held by the brake (all topics and tables; the per topic/table series say where): a partition waits for a fix.
      sinkHalted: alarm(
        'SinkHaltedAlarm',
        new cloudwatch.Metric({ ...SINK_METRICS, metricName: 'SinkHalted', dimensionsMap: { service: SINK_METRICS.service }, period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        1,
        'The sink halted on a systemic failure (a wrong mapping, a dropped column): nothing is dead-lettered, the partition waits until the cause is fixed.',
      ),
    };
    if (props.alarmTopicArn !== undefined) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      for (const each of Object.values(this.alarms)) each.addAlarmAction(new actions.SnsAction(topic));
    }
    this.dashboard = this.buildDashboard(props, offsetLag, dlqVisible);
  }

  private buildDashboard(props: SinkMonitoringProps, offsetLag: cloudwatch.IMetric, dlqVisible: cloudwatch.IMetric): cloudwatch.Dashboard {
    const { sinkFunction: sink, replayFunction: replay } = props;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) => new cloudwatch.GraphWidget({ title, left, right, width: 12 });
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24 }),
      graph('Kafka offset lag (max over partitions)', [offsetLag]),
      graph('Sink invocations, errors, throttles', [sink.metricInvocations(sum), sink.metricErrors(sum), sink.metricThrottles(sum)]),
      graph('Sink duration (p50, p99) and concurrency', [sink.metricDuration({ statistic: 'p50' }), sink.metricDuration({ statistic: 'p99' })], [
        sink.metric('ConcurrentExecutions', { statistic: cloudwatch.Stats.MAXIMUM }),
      ]),
      graph('Dead-letter and replay queues (visible messages)', [dlqVisible, props.replayQueue.metricApproximateNumberOfMessagesVisible()], [
        props.replayQueue.metricApproximateAgeOfOldestMessage(),
      ]),
      graph('Replay invocations and errors', [replay.metricInvocations(sum), replay.metricErrors(sum)]),
    );
    return dashboard;
  }
}
