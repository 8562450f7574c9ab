/**
 * Finds what the deployed-stack commands act on: the sink function's event source mappings and
 * the dead-letter and replay queues, from a stack's CloudFormation outputs and resources, or from a
 * function name alone (no queues then).
 */
import { DescribeStacksCommand, paginateListStackResources, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetEventSourceMappingCommand, ListEventSourceMappingsCommand, type EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { StackClients } from './clients.js';

export interface QueueRef {
  readonly url: string;
  readonly arn: string;
}

export interface SinkLocation {
  /** What the user named: `stack orders-sink` or `function orders-sink-Sink…`. */
  readonly label: string;
  readonly functionName?: string;
  readonly mappings: readonly EventSourceMappingConfiguration[];
  /** Undefined when located by function name. */
  readonly deadLetterQueue?: QueueRef;
  readonly replayQueue?: QueueRef;
}

export type SinkSelector = { readonly stack: string } | { readonly function: string };

export async function locateSink(aws: StackClients, selector: SinkSelector): Promise<SinkLocation> {
  if ('function' in selector) {
    return {
      label: `function ${selector.function}`,
      functionName: selector.function,
      mappings: await mappingsOfFunction(aws, selector.function),
    };
  }
  const stackName = selector.stack;
  const { Stacks: [stack] = [] } = await aws.cloudFormation
    .send(new DescribeStacksCommand({ StackName: stackName }))
    .catch((error: unknown) => {
      throw new Error(`stack ${JSON.stringify(stackName)} not found: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    });
  if (stack === undefined) throw new Error(`stack ${JSON.stringify(stackName)} not found`);
  const outputs = Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  const resources = await stackResources(aws, stackName);
  const deadLetterQueue = outputs.DeadLetterQueueUrl === undefined ? undefined : await queueByUrl(aws, outputs.DeadLetterQueueUrl);
  const replayQueue =
    outputs.ReplayQueueArn === undefined ? undefined : await queueByArn(aws, outputs.ReplayQueueArn, outputs.ReplayQueueUrl);
  const functionName = outputs.SinkFunctionName;
  // Stacks deployed before the SinkFunctionName output: every mapping of the stack but the replay queue's is the sink's.
  const mappings =
    functionName === undefined
      ? (await mappingsOfStack(aws, resources)).filter((mapping) => replayQueue === undefined || mapping.EventSourceArn !== replayQueue.arn)
      : await mappingsOfFunction(aws, functionName);
  return {
    label: `stack ${stackName}`,
    ...(functionName === undefined ? {} : { functionName }),
    mappings,
    ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
    ...(replayQueue === undefined ? {} : { replayQueue }),
  };
}

export async function mappingsOfFunction(aws: StackClients, functionName: string): Promise<EventSourceMappingConfiguration[]> {
  const mappings: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await aws.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName, Marker: marker }));
    mappings.push(...(page.EventSourceMappings ?? []));
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return mappings;
}

async function mappingsOfStack(aws: StackClients, resources: readonly StackResourceSummary[]): Promise<EventSourceMappingConfiguration[]> {
  const ids = resources
    .filter((resource) => resource.ResourceType === 'AWS::Lambda::EventSourceMapping')
    .map((resource) => resource.PhysicalResourceId ?? '');
  return Promise.all(ids.filter((id) => id !== '').map((id) => aws.lambda.send(new GetEventSourceMappingCommand({ UUID: id }))));
}

/** Every resource of the stack, all pages. */
export async function stackResources(aws: Pick<StackClients, 'cloudFormation'>, stackName: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client: aws.cloudFormation }, { StackName: stackName }))
    resources.push(...(page.StackResourceSummaries ?? []));
  return resources;
}

async function queueByUrl(aws: StackClients, url: string): Promise<QueueRef> {
  const { Attributes = {} } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  if (Attributes.QueueArn === undefined) throw new Error(`the queue ${url} has no QueueArn attribute`);
  return { url, arn: Attributes.QueueArn };
}

/** Stacks deployed before the ReplayQueueUrl output: the URL is looked up by the name in the ARN (its last part). */
async function queueByArn(aws: StackClients, arn: string, url: string | undefined): Promise<QueueRef> {
  if (url !== undefined) return { url, arn };
  const [, , , , account, name] = arn.split(':');
  if (name === undefined || account === undefined) throw new Error(`not an SQS queue ARN: ${JSON.stringify(arn)}`);
  const { QueueUrl } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  if (QueueUrl === undefined) throw new Error(`no URL for the queue ${arn}`);
  return { url: QueueUrl, arn };
}

/** The topic a mapping reads (Kafka mappings take exactly one), or its event source for the others. */
export function topicOf(mapping: EventSourceMappingConfiguration): string {
  return mapping.Topics?.[0] ?? mapping.EventSourceArn ?? '?';
}

export function consumerGroupOf(mapping: EventSourceMappingConfiguration): string | undefined {
  return mapping.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? mapping.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId;
}
