import { Annotations, ArnFormat, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConsumerGroup } from '../config/consumer-groups.js';
import type { RuntimeEnvironmentValues } from '../../lambdas/contract/runtime-env.js';
import { POLLER_GROUP_LIMITS, POLLER_GROUP_NAME_PATTERN, type EventSourceConfig, type KafkaConfig } from '../config/deploy-schema.js';
import { esmSchemaRegistry } from './esm-schema-registry.js';

export interface KafkaSourceProps {
  /** The sink function the event source mappings invoke. */
  readonly function: lambda.IFunction;
  readonly kafka: KafkaConfig;
  readonly eventSource: EventSourceConfig;
  readonly topics: readonly string[];
  /** The consumer group of each topic (see resolveConsumerGroups): a function of the stack and the topic only. */
  readonly consumerGroups: Readonly<Record<string, ConsumerGroup>>;
  /** On-failure destination: batches that exhaust their retries or exceed the record age land here as metadata. */
  readonly onFailureQueue: sqs.IQueue;
  /** For self-managed brokers: where the pollers' network interfaces go. */
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * Whether the mappings poll (Enabled).
   * @default true
   */
  readonly enabled?: boolean;
}

const SELF_MANAGED_AUTH = {
  'sasl-scram-512': sources.AuthenticationMethod.SASL_SCRAM_512_AUTH,
  'sasl-scram-256': sources.AuthenticationMethod.SASL_SCRAM_256_AUTH,
  plain: sources.AuthenticationMethod.BASIC_AUTH,
  mtls: sources.AuthenticationMethod.CLIENT_CERTIFICATE_TLS_AUTH,
} as const;

const METRIC_TYPES = {
  EventCount: lambda.MetricType.EVENT_COUNT,
  ErrorCount: lambda.MetricType.ERROR_COUNT,
  KafkaMetrics: lambda.MetricType.KAFKA_METRICS,
} as const;

/** The describe actions the Lambda guide lists for self-managed Kafka in a VPC (with-kafka-permissions, "VPC permissions"). */
export const SELF_MANAGED_DESCRIBE_ACTIONS = [
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
] as const;

/**
 * One Kafka event source mapping per topic, in provisioned mode (the pollers
 * scale between minimum and maximum on offset lag), with partial batch
 * responses, bounded retries, bisection, a record age limit and the DLQ as
 * on-failure destination.
 */
export class KafkaSource extends Construct {
  /** The event source mappings' ids (the EventSourceMappingUUID of their metrics), one per topic, in topic order. */
  readonly mappingIds: readonly string[];
  private readonly props: KafkaSourceProps;

  constructor(scope: Construct, id: string, props: KafkaSourceProps) {
    super(scope, id);
    this.props = props;
    const { eventSource: config, kafka } = props;
    const authSecret =
      'secretArn' in kafka.auth ? secretsmanager.Secret.fromSecretCompleteArn(this, 'AuthSecret', kafka.auth.secretArn) : undefined;
    const rootCa =
      kafka.type === 'self-managed' && kafka.rootCaSecretArn !== undefined
        ? secretsmanager.Secret.fromSecretCompleteArn(this, 'RootCaSecret', kafka.rootCaSecretArn)
        : undefined;
    const schemaRegistryConfig = esmSchemaRegistry(this, config.schemaRegistry);
    const mappingIds: string[] = [];
    const pollerGroupName = this.pollerGroup(config, props.topics.length);
    for (const topic of props.topics) {
      const common = {
        topic,
        enabled: props.enabled ?? true,
        metricsConfig: config.metrics.length === 0 ? undefined : { metrics: config.metrics.map((metric) => METRIC_TYPES[metric]) },
        logLevel: config.logLevel === 'off' ? undefined : lambda.EventSourceMappingLogLevel[config.logLevel],
        consumerGroupId: this.groupId(topic),
        batchSize: config.batchSize,
        maxBatchingWindow:
          config.maximumBatchingWindowSeconds === undefined ? undefined : Duration.seconds(config.maximumBatchingWindowSeconds),
        startingPosition: lambda.StartingPosition[config.startingPosition],
        startingPositionTimestamp: config.startingPositionTimestamp,
        filters: config.filters?.map((pattern) => lambda.FilterCriteria.filter(pattern)),
        provisionedPollerConfig: { minimumPollers: config.minimumPollers, maximumPollers: config.maximumPollers, pollerGroupName },
        reportBatchItemFailures: true,
        retryAttempts: config.retryAttempts,
        maxRecordAge: config.maxRecordAgeSeconds === -1 ? undefined : Duration.seconds(config.maxRecordAgeSeconds),
        bisectBatchOnError: config.bisectOnError,
        onFailure: new sources.SqsDlq(props.onFailureQueue),
        secret: authSecret,
        schemaRegistryConfig,
      };
      const source =
        kafka.type === 'msk'
          ? new sources.ManagedKafkaEventSource({ ...common, clusterArn: kafka.clusterArn })
          : new sources.SelfManagedKafkaEventSource({
              ...common,
              bootstrapServers: kafka.bootstrapServers,
              authenticationMethod: kafka.auth.type === 'none' ? undefined : SELF_MANAGED_AUTH[kafka.auth.type],
              rootCACertificate: rootCa,
              vpc: props.vpc,
              vpcSubnets: props.subnets,
              securityGroup: props.securityGroup,
            });
      // The mapping's logical id comes from the function and the topic (plus, self-managed, the
      // bootstrap servers, whose change replaces the mapping anyway): never from the topic count.
      const before = new Set(props.function.node.children);
      props.function.addEventSource(source);
      // Neither event source class exposes the mapping of a self-managed source: take the child it added.
      const added = props.function.node.children.find(
        (child): child is lambda.EventSourceMapping => !before.has(child) && child instanceof lambda.EventSourceMapping,
      );
      if (added === undefined) throw new Error(`no event source mapping was added for topic ${JSON.stringify(topic)}`);
      mappingIds.push(added.eventSourceMappingId);
      this.warnIfDerived(topic);
    }
    this.mappingIds = mappingIds;
    if (kafka.type === 'msk' && kafka.auth.type === 'iam') this.grantIamRead(props.function, true);
    if (kafka.type === 'self-managed') this.grantSelfManagedPollers(props.function, kafka);
    this.grantSecretsKey(props.function);
  }

  /**
   * The poller group every mapping of the stack joins (default `<stack name>-pollers`), or undefined
   * for pollers of their own; fails at synth when the group would exceed Lambda's limits.
   */
  private pollerGroup(config: EventSourceConfig, mappings: number): string | undefined {
    if (config.pollerGroupName === false) return undefined;
    const name = config.pollerGroupName ?? `${Stack.of(this).stackName}-pollers`;
    if (!Token.isUnresolved(name) && !POLLER_GROUP_NAME_PATTERN.test(name)) {
      throw new Error(
        `eventSource.pollerGroupName: the default ${JSON.stringify(name)} (from the stack name) is not a valid poller group name; set eventSource.pollerGroupName (got ${JSON.stringify(name)})`,
      );
    }
    if (mappings > POLLER_GROUP_LIMITS.mappings) {
      throw new Error(
        `eventSource.pollerGroupName: a poller group holds at most ${String(POLLER_GROUP_LIMITS.mappings)} mappings, this stack has ${String(mappings)} topics; set pollerGroupName: false (got ${JSON.stringify(name)})`,
      );
    }
    const pollers = mappings * config.maximumPollers;
    if (pollers > POLLER_GROUP_LIMITS.maximumPollers) {
      throw new Error(
        `eventSource.maximumPollers: ${String(mappings)} mappings × ${String(config.maximumPollers)} = ${String(pollers)} maximum pollers in poller group ${JSON.stringify(name)}, Lambda allows ${String(POLLER_GROUP_LIMITS.maximumPollers)} per group; lower maximumPollers or set pollerGroupName: false (got ${String(config.maximumPollers)})`,
      );
    }
    return name;
  }

  /** The consumer group of one topic's mapping. */
  groupId(topic: string): string {
    const group = this.props.consumerGroups[topic];
    if (group === undefined)
      throw new Error(
        `no consumer group for topic ${JSON.stringify(topic)} (got groups for ${Object.keys(this.props.consumerGroups).join(', ')})`,
      );
    return group.id;
  }

  /** Synth cannot see what is deployed: say which group a derived default picks, and how to pin it. */
  private warnIfDerived(topic: string): void {
    if (this.props.consumerGroups[topic]?.pinned !== false) return;
    const group = this.groupId(topic);
    Annotations.of(this).addWarningV2(
      `kafka-cql-sink:derivedConsumerGroup:${topic}`,
      `topic ${topic} consumes in the default consumer group "${group}" (from the stack name and the topic); ` +
        `pin it with eventSource.consumerGroups: {${topic}: ${group}}. If this stack was deployed before with ${topic} as its only topic ` +
        `and no consumerGroupId, its group is "${Stack.of(this).stackName}-sink": pin that one instead to keep its offsets (docs/deploy.md, Upgrading).`,
    );
  }

  /** Lets the replay function re-read offsets named by the mappings' on-failure messages. */
  grantRefetch(grantee: lambda.IFunction): void {
    const kafka = this.props.kafka;
    if (kafka.type === 'msk') {
      grantee.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'], resources: [kafka.clusterArn] }),
      );
      if (kafka.auth.type === 'iam') this.grantIamRead(grantee, false);
    }
    const secretArns = [
      'secretArn' in kafka.auth ? kafka.auth.secretArn : undefined,
      kafka.type === 'self-managed' ? kafka.rootCaSecretArn : undefined,
    ].filter((arn) => arn !== undefined);
    if (secretArns.length > 0)
      grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
    this.grantSecretsKey(grantee);
  }

  /** How the replay function reaches Kafka and which records the mappings deliver (names shared with lambdas/replay). */
  environment(): RuntimeEnvironmentValues {
    const kafka = this.props.kafka;
    return {
      kafkaAuth: kafka.auth.type,
      ...(kafka.type === 'msk' ? { kafkaClusterArn: kafka.clusterArn } : { kafkaBootstrapServers: kafka.bootstrapServers }),
      ...('secretArn' in kafka.auth ? { kafkaAuthSecretArn: kafka.auth.secretArn } : {}),
      ...(kafka.type === 'self-managed' && kafka.rootCaSecretArn !== undefined ? { kafkaRootCaSecretArn: kafka.rootCaSecretArn } : {}),
      // The mappings' filters, so that a replay of an on-failure offset range skips what the mappings skipped.
      ...(this.props.eventSource.filters === undefined ? {} : { kafkaFilters: this.props.eventSource.filters }),
    };
  }

  /** The root CA secret, network interface and describe permissions a self-managed Kafka event source needs: docs/decisions/self-managed-kafka-poller-permissions.md. */
  private grantSelfManagedPollers(grantee: lambda.IFunction, kafka: KafkaConfig & { type: 'self-managed' }): void {
    if (kafka.rootCaSecretArn !== undefined) {
      grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [kafka.rootCaSecretArn] }));
    }
    // Describe actions support no resource-level permissions: "*" is the only resource IAM accepts.
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions: [...SELF_MANAGED_DESCRIBE_ACTIONS], resources: ['*'] }));
    const stack = Stack.of(this);
    const ec2Arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ec2', resource, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, resourceName });
    const interfaces = ec2Arn('network-interface', '*');
    const subnets = this.props.vpc.selectSubnets(this.props.subnets).subnetIds.map((id) => ec2Arn('subnet', id));
    const group = ec2Arn('security-group', this.props.securityGroup.securityGroupId);
    // The pollers' interfaces: created only in the mapping's subnets with its security group, deleted in this account and region.
    grantee.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [interfaces, ...subnets, group] }),
    );
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DeleteNetworkInterface'], resources: [interfaces] }));
  }

  /** kms:Decrypt on the Kafka secrets' customer-managed key, only when Secrets Manager asks for it. */
  private grantSecretsKey(grantee: lambda.IFunction): void {
    const keyArn = this.props.kafka.secretsKeyArn;
    if (keyArn === undefined) return;
    const region = keyArn.split(':')[3] ?? '';
    grantee.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }),
    );
  }

  /**
   * MSK IAM access control: the pollers (through the function role) connect,
   * read the topics and commit in their consumer groups; nothing else.
   */
  private grantIamRead(grantee: lambda.IFunction, consumerGroups: boolean): void {
    const kafka = this.props.kafka;
    if (kafka.type !== 'msk') return;
    const arn = (kind: 'topic' | 'group', name: string) => mskResourceArn(kafka.clusterArn, kind, name);
    grantee.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
        resources: [kafka.clusterArn],
      }),
    );
    grantee.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resources: this.props.topics.map((topic) => arn('topic', topic)),
      }),
    );
    if (consumerGroups) {
      grantee.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
          resources: this.props.topics.map((topic) => arn('group', this.groupId(topic))),
        }),
      );
    }
  }
}

/** `arn:…:cluster/<name>/<uuid>` → `arn:…:topic|group/<name>/<uuid>/<resource>`, also for a cluster ARN known only at deploy. */
export function mskResourceArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  if (!Token.isUnresolved(clusterArn)) return `${clusterArn.replace(':cluster/', `:${kind}/`)}/${name}`;
  const parts = Fn.split(':cluster/', clusterArn, 2);
  return Fn.join('', [Fn.select(0, parts), `:${kind}/`, Fn.select(1, parts), `/${name}`]);
}
