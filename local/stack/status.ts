/**
 * `status`: each event source mapping of the sink function, the function's OffsetLag, and the
 * dead-letter and replay queues' depth and oldest message age.
 */
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { StackClients } from './clients.js';
import { consumerGroupOf, topicOf, type QueueRef, type SinkLocation } from './locate.js';

/** The latest datapoint of a metric in the look-back window, or null when there is none. */
export interface Datapoint {
  readonly value: number;
  readonly at: string;
}

export interface MappingStatus {
  readonly uuid: string;
  readonly topic: string;
  readonly consumerGroup: string | null;
  readonly state: string;
  readonly stateTransitionReason: string | null;
  readonly lastProcessingResult: string | null;
  readonly pollers: { readonly min: number | null; readonly max: number | null };
  readonly batchSize: number | null;
}

export interface QueueStatus {
  readonly url: string;
  readonly messages: number;
  readonly inFlight: number;
  /** CloudWatch ApproximateAgeOfOldestMessage (seconds), null when CloudWatch has no datapoint. */
  readonly oldestMessageAgeSeconds: Datapoint | null;
}

export interface SinkStatus {
  readonly target: string;
  readonly functionName: string | null;
  readonly mappings: readonly MappingStatus[];
  /** AWS/Lambda OffsetLag by FunctionName, Maximum over a minute: the worst topic. */
  readonly offsetLag: Datapoint | null;
  readonly deadLetterQueue: QueueStatus | null;
  readonly replayQueue: QueueStatus | null;
}

/** How far back a metric's latest datapoint is looked for. */
const LOOK_BACK_MINUTES = 15;

export function describeMapping(mapping: EventSourceMappingConfiguration): MappingStatus {
  return {
    uuid: mapping.UUID ?? '?',
    topic: topicOf(mapping),
    consumerGroup: consumerGroupOf(mapping) ?? null,
    state: mapping.State ?? 'unknown',
    stateTransitionReason: mapping.StateTransitionReason ?? null,
    lastProcessingResult: mapping.LastProcessingResult ?? null,
    pollers: { min: mapping.ProvisionedPollerConfig?.MinimumPollers ?? null, max: mapping.ProvisionedPollerConfig?.MaximumPollers ?? null },
    batchSize: mapping.BatchSize ?? null,
  };
}

export async function sinkStatus(aws: StackClients, location: SinkLocation, now = new Date()): Promise<SinkStatus> {
  const functionName = location.functionName ?? functionNameOf(location.mappings);
  const [offsetLag, deadLetterQueue, replayQueue] = await Promise.all([
    functionName === undefined ? null : latest(aws, 'AWS/Lambda', 'OffsetLag', { FunctionName: functionName }, now),
    location.deadLetterQueue === undefined ? null : queueStatus(aws, location.deadLetterQueue, now),
    location.replayQueue === undefined ? null : queueStatus(aws, location.replayQueue, now),
  ]);
  return {
    target: location.label,
    functionName: functionName ?? null,
    mappings: location.mappings.map(describeMapping),
    offsetLag,
    deadLetterQueue,
    replayQueue,
  };
}

/** The function name is the last part of a mapping's FunctionArn. */
function functionNameOf(mappings: readonly EventSourceMappingConfiguration[]): string | undefined {
  return mappings[0]?.FunctionArn?.split(':')[6];
}

async function queueStatus(aws: StackClients, queue: QueueRef, now: Date): Promise<QueueStatus> {
  const { Attributes = {} } = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const name = queue.arn.split(':')[5] ?? '';
  return {
    url: queue.url,
    messages: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    oldestMessageAgeSeconds: await latest(aws, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: name }, now),
  };
}

async function latest(
  aws: StackClients,
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  now: Date,
): Promise<Datapoint | null> {
  const { Datapoints = [] } = await aws.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      StartTime: new Date(now.getTime() - LOOK_BACK_MINUTES * 60_000),
      // A minute ahead: the request carries whole seconds, and the newest datapoint may be later in this second.
      EndTime: new Date(now.getTime() + 60_000),
      Period: 60,
      Statistics: ['Maximum'],
    }),
  );
  const newest = Datapoints.filter((point) => point.Timestamp !== undefined && point.Maximum !== undefined).sort(
    (a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0),
  )[0];
  return newest === undefined ? null : { value: newest.Maximum ?? 0, at: newest.Timestamp?.toISOString() ?? '' };
}

export function formatStatus(status: SinkStatus): string[] {
  const lines = [`${status.target}${status.functionName === null ? '' : ` (sink function ${status.functionName})`}`];
  if (status.mappings.length === 0) lines.push('  no event source mappings');
  for (const mapping of status.mappings) {
    const pollers =
      mapping.pollers.min === null && mapping.pollers.max === null
        ? 'on demand'
        : `${String(mapping.pollers.min ?? '-')}..${String(mapping.pollers.max ?? '-')}`;
    lines.push(
      `  mapping ${mapping.uuid}  topic ${mapping.topic}${mapping.consumerGroup === null ? '' : `  group ${mapping.consumerGroup}`}`,
      `    state ${mapping.state}${mapping.stateTransitionReason === null ? '' : ` (${mapping.stateTransitionReason})`}; last processing result: ${mapping.lastProcessingResult ?? 'none'}`,
      `    pollers ${pollers}; batch size ${String(mapping.batchSize ?? '-')}`,
    );
  }
  lines.push(
    `  OffsetLag (worst topic): ${status.offsetLag === null ? `no data in the last ${String(LOOK_BACK_MINUTES)} minutes` : `${String(status.offsetLag.value)} at ${status.offsetLag.at}`}`,
  );
  for (const [name, queue] of [
    ['dead-letter queue', status.deadLetterQueue],
    ['replay queue', status.replayQueue],
  ] as const) {
    if (queue === null) {
      lines.push(`  ${name}: n/a (give --stack to see it)`);
      continue;
    }
    const age =
      queue.oldestMessageAgeSeconds === null
        ? 'n/a (no CloudWatch datapoint)'
        : `${String(queue.oldestMessageAgeSeconds.value)} s at ${queue.oldestMessageAgeSeconds.at}`;
    lines.push(
      `  ${name}: ${String(queue.messages)} waiting, ${String(queue.inFlight)} in flight; oldest message age ${age}  ${queue.url}`,
    );
  }
  return lines;
}
