import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { KafkaConfig } from '../config/deploy-schema.js';
import { partialSecretArn, type Deployment } from '../config/load.js';
import { createdSecretName, mappingsState } from '../config/secret.js';
import { DEFAULT_SERVICE_NAME, REPLAY_SERVICE_NAME } from '../../lambdas/contract/metric-names.js';
import type { RuntimeEnvironmentValues } from '../../lambdas/contract/runtime-env.js';
import { ConnectionAccess } from '../constructs/connection-access.js';
import { DeadLetter } from '../constructs/dead-letter.js';
import { KafkaSource } from '../constructs/kafka-source.js';
import { SinkMonitoring } from '../constructs/monitoring.js';
import { deploymentZones, SinkNetwork } from '../constructs/network.js';
import { SinkFunction } from '../constructs/sink-function.js';
import { acknowledgeSinkStack } from './nag-acknowledgements.js';
import { grantGlueSchemaReads } from '../constructs/glue-schema-access.js';

export const SINK_ENTRY = fileURLToPath(new URL('../../lambdas/sink/handler.ts', import.meta.url));
export const REPLAY_ENTRY = fileURLToPath(new URL('../../lambdas/replay/handler.ts', import.meta.url));

/** What the dev stack provides in place of `kafka` and `network`. */
export interface DevResources {
  readonly vpc: ec2.IVpc;
  /** The functions' security group, admitted by the brokers. */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  readonly clusterArn: string;
}

export interface SinkStackProps extends StackProps {
  readonly deployment: Deployment;
  /** @default - `kafka` and `network` of the deployment config */
  readonly dev?: DevResources;
  /**
   * Prebuilt code directories (an `index.mjs` exporting `handler`) instead of bundling the handlers.
   * @default - bundle lambdas/sink/handler.ts and lambdas/replay/handler.ts
   */
  readonly prebuiltCode?: { readonly sink: string; readonly replay: string };
}

/** The whole sink: functions, Kafka event source mappings, DLQ and replay, secret access, alarms and dashboard. */
export class SinkStack extends Stack {
  readonly sink: SinkFunction;
  readonly replay: SinkFunction;
  readonly deadLetter: DeadLetter;
  readonly monitoring: SinkMonitoring;
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: SinkStackProps) {
    super(scope, id, props);
    const { deploy, sink: sinkConfig, bundledSinkConfig, topics } = props.deployment;
    this.zones = deploymentZones(deploy);
    const network = new SinkNetwork(this, 'Network', {
      config: deploy.network,
      vpc: props.dev?.vpc,
      securityGroups: props.dev && [props.dev.clientSecurityGroup],
    });
    const replayTimeout = Duration.seconds(deploy.replay.timeoutSeconds);
    this.deadLetter = new DeadLetter(this, 'DeadLetter', {
      namePrefix: deploy.stackName,
      maxReceiveCount: deploy.replay.maxReceiveCount,
      // Lambda's advice for SQS sources: six times the function timeout.
      replayVisibilityTimeout: Duration.seconds(Math.min(6 * deploy.replay.timeoutSeconds, 43_200)),
    });
    const { dlq, replayQueue, overflowBucket } = this.deadLetter;
    const kafka: KafkaConfig =
      props.dev === undefined ? requireKafka(deploy.kafka) : { type: 'msk', clusterArn: props.dev.clusterArn, auth: { type: 'iam' } };
    const placement = { vpc: network.vpc, subnets: network.subnets, securityGroups: network.securityGroups };
    const logRetention = retentionDays(deploy.function.logRetentionDays);
    const commonEnvironment: RuntimeEnvironmentValues = {
      dlqUrl: dlq.queueUrl,
      dlqOverflowBucket: overflowBucket.bucketName,
      // The functions refuse to start while this secret holds its generated placeholder (lambdas/adapters/created-secret.ts).
      ...(deploy.connectionSecret.mode === 'create'
        ? { createdConnectionSecretArn: partialSecretArn(deploy, createdSecretName(deploy)) }
        : {}),
    };
    this.sink = new SinkFunction(this, 'Sink', {
      ...placement,
      entry: SINK_ENTRY,
      prebuiltCodeDir: props.prebuiltCode?.sink,
      sinkConfig: bundledSinkConfig,
      description: 'kafka-cql-sink: Kafka batches to CQL writes',
      memorySize: deploy.function.memorySize,
      timeout: Duration.seconds(deploy.function.timeoutSeconds),
      reservedConcurrency: deploy.function.reservedConcurrency,
      logRetention,
      environment: { ...commonEnvironment, serviceName: DEFAULT_SERVICE_NAME },
    });
    const mappings = mappingsState(deploy);
    const source = new KafkaSource(this, 'Kafka', {
      function: this.sink.function,
      kafka,
      eventSource: deploy.eventSource,
      topics,
      consumerGroups: props.deployment.consumerGroups,
      onFailureQueue: dlq,
      vpc: network.vpc,
      subnets: network.subnets,
      securityGroup: firstOf(network.securityGroups),
      enabled: mappings.enabled,
    });
    this.replay = new SinkFunction(this, 'Replay', {
      ...placement,
      entry: REPLAY_ENTRY,
      prebuiltCodeDir: props.prebuiltCode?.replay,
      sinkConfig: bundledSinkConfig,
      description: 'kafka-cql-sink: replays dead-lettered records',
      memorySize: deploy.function.memorySize,
      timeout: replayTimeout,
      logRetention,
      environment: { ...commonEnvironment, ...source.environment(), serviceName: REPLAY_SERVICE_NAME },
    });
    this.replay.function.addEventSource(
      new sources.SqsEventSource(replayQueue, {
        batchSize: deploy.replay.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: deploy.replay.maxConcurrency,
      }),
    );
    source.grantRefetch(this.replay.function);
    const connection = new ConnectionAccess(this, 'Connection', {
      sink: sinkConfig,
      createSecretName: deploy.connectionSecret.mode === 'create' ? createdSecretName(deploy) : undefined,
    });
    for (const fn of [this.sink.function, this.replay.function]) {
      dlq.grantSendMessages(fn);
      connection.grantTo(fn);
    }
    grantGlueSchemaReads([this.sink.function, this.replay.function], sinkConfig, this);
    // Objects only, one action each way: the sink writes oversized records, the replay reads them.
    this.sink.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [overflowBucket.arnForObjects('*')] }),
    );
    this.replay.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [overflowBucket.arnForObjects('*')] }),
    );
    this.deadLetter.key.grant(this.sink.function, 'kms:GenerateDataKey');
    this.deadLetter.key.grant(this.replay.function, 'kms:Decrypt');
    this.monitoring = new SinkMonitoring(this, 'Monitoring', {
      dashboardName: deploy.stackName,
      sinkFunction: this.sink.function,
      replayFunction: this.replay.function,
      dlq,
      replayQueue,
      topics,
      eventSourceMappingIds: deploy.eventSource.metrics.includes('ErrorCount') ? source.mappingIds : undefined,
      mappingsEnabled: mappings.enabled,
      notPollingMinutes: deploy.alarms.notPollingMinutes,
      replayAgeMinutes: deploy.alarms.replayAgeMinutes,
      offsetLagThreshold: deploy.alarms.offsetLagThreshold,
      offsetLagMinutes: deploy.alarms.offsetLagMinutes,
      errorsThreshold: deploy.alarms.errorsThreshold,
      alarmTopicArn: deploy.alarms.topicArn,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: dlq.queueUrl,
      description: 'Dead-lettered records; redrive them to the replay queue.',
    });
    new CfnOutput(this, 'ReplayQueueArn', {
      value: replayQueue.queueArn,
      description: 'The custom destination to choose in "Start DLQ redrive".',
    });
    new CfnOutput(this, 'ReplayQueueUrl', {
      value: replayQueue.queueUrl,
      description: 'The replay queue (redrive target); kafka-cql-sink status shows its depth.',
    });
    new CfnOutput(this, 'SinkFunctionName', {
      value: this.sink.function.functionName,
      description: 'The function of the Kafka event source mappings (kafka-cql-sink status, pause, resume).',
    });
    new CfnOutput(this, 'Dashboard', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${deploy.stackName}`,
    });
    if (connection.secret !== undefined)
      new CfnOutput(this, 'ConnectionSecretArn', { value: connection.secret.secretArn, description: 'Put the real credentials here.' });
    if (mappings.pausedForCreatedSecret) {
      const next = `the Kafka event source mappings are deployed paused (Enabled: false) because the stack creates the credentials secret ${createdSecretName(deploy)} with a placeholder: put the real credentials in it, then set eventSource.enabled: true in the deployment config and deploy again`;
      Annotations.of(this).addWarningV2('kafka-cql-sink:mappingsPausedForCreatedSecret', next);
      new CfnOutput(this, 'NextStep', { value: `Mappings paused: ${next}.`, description: 'What to do before the sink consumes Kafka.' });
    } else if (!mappings.enabled) {
      new CfnOutput(this, 'NextStep', {
        value: 'Mappings paused (eventSource.enabled: false): set it to true and deploy to resume.',
        description: 'What to do before the sink consumes Kafka.',
      });
    }
    acknowledgeSinkStack(this, {
      functions: [this.sink, this.replay],
      sinkFunction: this.sink,
      bucket: overflowBucket,
      secret: connection.secret,
      msk: kafka.type === 'msk',
      keyspacesRegion: sinkConfig.connection.profile === 'keyspaces' ? sinkConfig.connection.region : undefined,
    });
  }

  /** The deployment's zones, never a lookup: `cdk synth` runs without AWS credentials (see deploymentZones). */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }
}

function requireKafka(kafka: KafkaConfig | undefined): KafkaConfig {
  if (kafka === undefined) throw new Error('sink stack needs `kafka` in the deployment config or a dev stack (got neither)');
  return kafka;
}

function firstOf<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined) throw new Error('sink network has no security group (got an empty list)');
  return first;
}

/** The schema allows exactly CloudWatch's retention values; map the number onto the enum member. */
function retentionDays(days: number): logs.RetentionDays {
  const member = Object.values(logs.RetentionDays).find((value): value is logs.RetentionDays => Number(value) === days);
  if (member === undefined) throw new Error(`log retention must be one of CloudWatch's values (got ${days})`);
  return member;
}
