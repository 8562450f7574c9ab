import { Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { SinkFunction } from '../constructs/sink-function.js';

/**
 * Every cdk-nag AwsSolutions finding the stacks accept, each with its reason.
 * cdk-nag 3 wants one acknowledgement per finding id, bracketed part included.
 */

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

const MANAGED = (name: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;

export interface SinkStackFindings {
  readonly functions: readonly SinkFunction[];
  readonly bucket: s3.Bucket;
  readonly secret?: secretsmanager.Secret;
  /** Set on the keyspaces profile: the region of the system-keyspace grant. */
  readonly keyspacesRegion?: string;
  /** Whether the source is MSK (aws-cdk-lib then attaches AWSLambdaMSKExecutionRole to the sink). */
  readonly msk: boolean;
  /** The sink function, whose role the self-managed Kafka pollers use. */
  readonly sinkFunction: SinkFunction;
}

export function acknowledgeSinkStack(stack: Stack, findings: SinkStackFindings): void {
  const bucketId = stack.getLogicalId(findings.bucket.node.defaultChild as s3.CfnBucket);
  for (const fn of findings.functions) {
    acknowledge(
      fn,
      MANAGED('AWSLambdaBasicExecutionRole'),
      'Added by aws-cdk-lib for every function: log writes to its own log group only.',
    );
    acknowledge(
      fn,
      MANAGED('AWSLambdaVPCAccessExecutionRole'),
      'Added by aws-cdk-lib for functions in a VPC: the ec2 network interface actions it allows cannot be scoped to resources.',
    );
    if (findings.msk) {
      acknowledge(
        fn,
        MANAGED('AWSLambdaMSKExecutionRole'),
        'Added by aws-cdk-lib ManagedKafkaEventSource: the pollers describe the cluster and manage their ENIs; kafka-cluster data access is granted separately, per topic and group.',
      );
    }
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the handlers are built and tested on (package.json engines); move with the project, not ahead of it.',
    );
    acknowledge(
      fn,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Added by aws-cdk-lib Queue.grantSendMessages (the on-failure destination): scoped to the dead-letter key only.',
    );
    acknowledge(
      fn,
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'Added by aws-cdk-lib Queue.grantSendMessages (the on-failure destination): scoped to the dead-letter key only.',
    );
    acknowledge(
      fn,
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      'Oversized dead-lettered records get one object each, named at run time: objects of the overflow bucket only, PutObject for the sink and GetObject for the replay.',
    );
    if (findings.keyspacesRegion !== undefined) {
      acknowledge(
        fn,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cassandra:${findings.keyspacesRegion}:${stack.account}:/keyspace/system*]`,
        'The Cassandra driver reads peers and schema from the system keyspaces (Select only); AWS documents this wildcard for Keyspaces clients.',
      );
    }
  }
  if (!findings.msk) {
    acknowledge(
      findings.sinkFunction,
      'AwsSolutions-IAM5[Resource::*]',
      'Self-managed Kafka pollers in a VPC (Lambda guide, with-kafka-permissions): ec2:DescribeVpcs, DescribeSubnets, DescribeSecurityGroups and DescribeNetworkInterfaces support no resource-level permissions, so IAM accepts only "*" for them. No other action gets "*" (test/infra/security.test.ts).',
    );
    acknowledge(
      findings.sinkFunction,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${stack.region}:${stack.account}:network-interface/*]`,
      'Self-managed Kafka pollers create and delete their network interfaces, whose ids are chosen by EC2: any interface of this account and region, created only in the mapping subnets with its security group.',
    );
  }
  acknowledge(
    findings.bucket,
    'AwsSolutions-S1',
    'Holds only oversized dead-lettered records, expiring with the DLQ; reached by the two function roles only. Enable CloudTrail data events for an audit trail.',
  );
  if (findings.secret !== undefined) {
    acknowledge(
      findings.secret,
      'AwsSolutions-SMG4',
      'Database credentials are issued by the database (Cassandra role, Astra token, Keyspaces service-specific credentials); no rotation Lambda can create them. Rotate at the source, then put the new value.',
    );
  }
}

export function acknowledgeDevStack(_stack: Stack): void {
  // Nothing accepted yet: the dev stack passes AwsSolutions as built.
}
