import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { stackResources } from '../../../local/stack/locate.js';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localstackEndpoint } from '../../../local/services/localstack.js';
import type { Target } from './cdk.js';

/** SDK clients aimed at LocalStack, in the target's account (the access key) and region. */
export function clients(target: Target) {
  const config = {
    endpoint: localstackEndpoint,
    region: target.region,
    credentials: { accessKeyId: target.account, secretAccessKey: 'localstack' },
  };
  return {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    secrets: new SecretsManagerClient(config),
    sqs: new SQSClient(config),
  };
}

export type Clients = ReturnType<typeof clients>;

export interface DeployedStack {
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly resources: readonly StackResourceSummary[];
  /** Event reasons that say LocalStack created nothing for a resource ("deployed as a fallback"). */
  readonly fallbacks: readonly string[];
}

export async function describeStack(aws: Clients, stackName: string): Promise<DeployedStack> {
  const { Stacks: [stack] = [] } = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  if (stack === undefined) throw new Error(`stack ${stackName} not found`);
  const resources = await stackResources(aws, stackName);
  const events = await aws.cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackName }));
  const fallbacks = (events.StackEvents ?? [])
    .filter((event) => event.ResourceStatusReason?.includes('fallback') === true)
    .map((event) => `${event.LogicalResourceId ?? '?'} (${event.ResourceType ?? '?'}): ${event.ResourceStatusReason ?? ''}`);
  return {
    status: stack.StackStatus ?? 'unknown',
    outputs: Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? ''])),
    resources,
    fallbacks,
  };
}

/**
 * Asks each resource's own service for it by its physical id: a resource the stack reports but the
 * service does not know fails here. Returns "<type> <physical id>" per resource checked.
 */
export async function checkResourcesExist(aws: Clients, resources: readonly StackResourceSummary[]): Promise<string[]> {
  const checked: string[] = [];
  for (const resource of resources) {
    const id = resource.PhysicalResourceId ?? '';
    const type = resource.ResourceType ?? '';
    switch (type) {
      case 'AWS::SQS::Queue':
        await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: id, AttributeNames: ['QueueArn'] }));
        break;
      case 'AWS::KMS::Key': {
        const { KeyMetadata } = await aws.kms.send(new DescribeKeyCommand({ KeyId: id }));
        if (KeyMetadata?.KeyState !== 'Enabled') throw new Error(`kms key ${id} is ${String(KeyMetadata?.KeyState)}`);
        break;
      }
      case 'AWS::SecretsManager::Secret':
        await aws.secrets.send(new DescribeSecretCommand({ SecretId: id }));
        break;
      case 'AWS::CloudWatch::Alarm': {
        const { MetricAlarms = [] } = await aws.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [id] }));
        if (MetricAlarms.length !== 1) throw new Error(`alarm ${id} not found`);
        break;
      }
      case 'AWS::Logs::LogGroup': {
        const { logGroups = [] } = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id }));
        if (!logGroups.some((group) => group.logGroupName === id)) throw new Error(`log group ${id} not found`);
        break;
      }
      case 'AWS::S3::Bucket':
        await aws.s3.send(new GetBucketEncryptionCommand({ Bucket: id }));
        break;
      case 'AWS::IAM::Role':
        await aws.iam.send(new GetRoleCommand({ RoleName: id }));
        break;
      default:
        continue;
    }
    checked.push(`${type} ${id}`);
  }
  return checked;
}
