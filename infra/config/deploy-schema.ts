import { z } from 'zod';
import { secretArnSchema } from '../../lambdas/core/config/connection.js';
import { CONSUMER_GROUP_ID_PATTERN } from './consumer-groups.js';
import { esmSchemaRegistrySchema } from './esm-schema-registry.js';
import { validateFilterPatterns } from '../../lambdas/core/filter/pattern.js';

/** Records per invocation unless the deployment says otherwise (see eventSource.batchSize). */
export const DEFAULT_BATCH_SIZE = 500;

/** Poller group names this project accepts (the Lambda API documents no pattern: kept to the safe alphabet of resource names). */
export const POLLER_GROUP_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Mappings one poller group may hold, and the most maximum pollers its mappings may add up to (Lambda API reference, ProvisionedPollerConfig). */
export const POLLER_GROUP_LIMITS = { mappings: 100, maximumPollers: 2000 } as const;

/** The sink function's memory (MB) unless the deployment config sets `function.memorySize`. */
export const DEFAULT_MEMORY_SIZE = 1024;

/** Retries of a failing batch before the on-failure destination; why not -1: docs/decisions/event-source-retry-and-record-age-defaults.md. */
export const DEFAULT_RETRY_ATTEMPTS = 10_000;

/** Five days; why: docs/decisions/event-source-retry-and-record-age-defaults.md. */
export const DEFAULT_MAX_RECORD_AGE_SECONDS = 432_000;

/**
 * The deployment config: where and how the sink runs. The sink config (topics →
 * tables → mapping) is a separate file named by `sinkConfig`; this file never
 * holds a secret value, only secret ARNs.
 */

const idPattern = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `expected an id like ${prefix}-0123456789abcdef0`);

const envSchema = z
  .object({
    account: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
      .describe('AWS account to deploy to.'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region such as eu-west-1')
      .describe('AWS region to deploy to.'),
  })
  .strict()
  .describe('Where the stacks go. Explicit so that `cdk synth` never looks anything up.');

const existingVpcSchema = z
  .object({
    vpcId: idPattern('vpc').describe(
      'The VPC the functions run in (it must reach Kafka, the database and AWS APIs: NAT or VPC endpoints).',
    ),
    availabilityZones: z.array(z.string().min(1)).min(1).describe('Availability zones of `subnetIds`, in the same order.'),
    subnetIds: z
      .array(idPattern('subnet'))
      .min(1)
      .describe('Private subnets for the functions (and, for self-managed Kafka in a VPC, for the pollers).'),
    securityGroupIds: z
      .array(idPattern('sg'))
      .min(1)
      .optional()
      .describe('Security groups for the functions. Default: one is created, egress-only; allow it into Kafka and the database.'),
  })
  .strict()
  .superRefine((vpc, ctx) => {
    if (vpc.availabilityZones.length !== vpc.subnetIds.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['availabilityZones'],
        input: vpc.availabilityZones,
        message: `give one zone per subnet (${vpc.subnetIds.length} subnets)`,
      });
    }
  });

const createVpcSchema = z
  .object({
    create: z
      .object({
        availabilityZones: z
          .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, 'expected an availability zone such as eu-west-1a'))
          .min(1)
          .max(6)
          .optional()
          .describe('Availability zones of the new VPC, given so that synth never looks them up. Default: `<region>a` and `<region>b`.'),
        natGateways: z
          .number()
          .int()
          .min(1)
          .max(6)
          .default(1)
          .describe('NAT gateways (the functions reach AWS APIs and the database through them).'),
      })
      .strict()
      .describe('Create a VPC with public and private subnets (and flow logs).'),
  })
  .strict();

const networkSchema = z
  .union([existingVpcSchema, createVpcSchema])
  .describe('VPC placement of the functions: an existing VPC given by its attributes (no lookup), or `create`.');

const saslSecret = <T extends string>(type: T, what: string) =>
  z
    .object({
      type: z.literal(type).describe(what),
      secretArn: secretArnSchema.describe('Secret whose JSON has `username` and `password`.'),
    })
    .strict();

const secretsKeySchema = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)')
  .optional()
  .describe(
    'Customer-managed KMS key that encrypts the Kafka secrets (auth, root CA): the function roles get kms:Decrypt on it, through Secrets Manager only. Default: the secrets use the AWS managed key. MSK SASL/SCRAM secrets always use a customer-managed key.',
  );

const mskSchema = z
  .object({
    type: z.literal('msk').describe('Amazon MSK.'),
    clusterArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/,
        'expected an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)',
      )
      .describe('The MSK cluster.'),
    auth: z
      .discriminatedUnion('type', [
        z
          .object({
            type: z
              .literal('iam')
              .describe('IAM access control: the function role gets kafka-cluster read permissions on the topics and the consumer group.'),
          })
          .strict(),
        saslSecret('sasl-scram-512', 'SASL/SCRAM-SHA-512 with a secret (its name must start with AmazonMSK_).'),
      ])
      .prefault({ type: 'iam' })
      .describe('How the pollers authenticate to MSK.'),
    secretsKeyArn: secretsKeySchema,
  })
  .strict();

const selfManagedSchema = z
  .object({
    type: z.literal('self-managed').describe('Any Apache Kafka reachable from the VPC.'),
    bootstrapServers: z
      .array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected "host:port"'))
      .min(1)
      .describe('Bootstrap brokers.'),
    auth: z
      .discriminatedUnion('type', [
        saslSecret('sasl-scram-512', 'SASL/SCRAM-SHA-512.'),
        saslSecret('sasl-scram-256', 'SASL/SCRAM-SHA-256.'),
        saslSecret('plain', 'SASL/PLAIN (BASIC_AUTH).'),
        z
          .object({
            type: z.literal('mtls').describe('Mutual TLS.'),
            secretArn: secretArnSchema.describe('Secret with `certificate` and `privateKey` (PEM) of the client.'),
          })
          .strict(),
        z.object({ type: z.literal('none').describe('No authentication (the brokers must then be reached inside the VPC).') }).strict(),
      ])
      .describe('How the pollers authenticate to the brokers.'),
    rootCaSecretArn: secretArnSchema.optional().describe('Secret with the PEM root CA of brokers signed by a private CA.'),
    secretsKeyArn: secretsKeySchema,
  })
  .strict();

const kafkaSchema = z.discriminatedUnion('type', [mskSchema, selfManagedSchema]).describe('The Kafka cluster to consume.');

const jsonObject = z.record(z.string(), z.unknown());

const consumerGroupIdSchema = z.string().regex(CONSUMER_GROUP_ID_PATTERN, 'expected 1-200 of letters, digits and -/*:_+=.@');
/** Metric groups a Kafka event source mapping can publish (MetricsConfig.Metrics of AWS::Lambda::EventSourceMapping). */
export const EVENT_SOURCE_METRICS = ['EventCount', 'ErrorCount', 'KafkaMetrics'] as const;

const eventSourceSchema = z
  .object({
    enabled: z
      .boolean()
      .optional()
      .describe(
        'Whether the mappings poll (Enabled). Default: true, except with `connectionSecret.mode: create`, where the mappings deploy paused until you put the real credentials and set `enabled: true` (see *Pause and resume* and *First deploy with a created secret*). CloudFormation only changes what changes in the template: a pause made outside it (console, CLI) lasts until this value changes.',
      ),
    metrics: z
      .array(z.enum(EVENT_SOURCE_METRICS))
      .default([...EVENT_SOURCE_METRICS])
      .describe(
        'Event source mapping metrics to publish (MetricsConfig): EventCount, ErrorCount, KafkaMetrics. Default: all three; `[]` publishes none.',
      ),
    logLevel: z
      .enum(['off', 'WARN', 'INFO', 'DEBUG'])
      .default('WARN')
      .describe(
        "System log level of the mappings' pollers (LoggingConfig.SystemLogLevel), written to the sink function's log group; `off` sends none.",
      ),
    topics: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Topics to consume; each must be in the sink config. Default: every topic of the sink config.'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(DEFAULT_BATCH_SIZE)
      .describe(
        "Most records per invocation (BatchSize). Default 500, not the ESM's 100: end to end it measured faster than at 100 in every bench round against the DataStax connector (1.04-1.37x it against 0.69-1.18x at 100, npm run bench), with a fifth of the invocations; the event source still caps a batch at 6 MB.",
      ),
    maximumBatchingWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .optional()
      .describe('Seconds to gather records before invoking (MaximumBatchingWindowInSeconds). Default: the Lambda default.'),
    startingPosition: z
      .enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])
      .default('TRIM_HORIZON')
      .describe('Where a new consumer group starts.'),
    startingPositionTimestamp: z.number().int().positive().optional().describe('Unix seconds; required with AT_TIMESTAMP and only then.'),
    consumerGroupId: consumerGroupIdSchema
      .optional()
      .describe(
        'Kafka consumer group of the one consumed topic (fixed once created); with several topics use `consumerGroups`. Default: `<stack name>-sink-<topic>`.',
      ),
    consumerGroups: z
      .record(z.string(), consumerGroupIdSchema)
      .optional()
      .describe(
        'Kafka consumer group per consumed topic (topic → group id, each fixed once created, all different). Default per topic: `<stack name>-sink-<topic>`, which depends on the stack name and the topic only. See *Consumer groups*.',
      ),
    filters: z
      .array(jsonObject)
      .superRefine((patterns, ctx) => {
        for (const issue of validateFilterPatterns(patterns))
          ctx.addIssue({ code: 'custom', path: [...issue.path], input: issue.input, message: issue.message });
      })
      .optional()
      .describe(
        'Event filtering patterns on the record value (e.g. `{value: {status: ["PAID"]}}`), at most 5, ORed; unmatched records are skipped, not written, and the replay function and the local poller skip them too. Operators: exact values, null, "", prefix, suffix, equals-ignore-case, anything-but, numeric, exists (see *Event filters*).',
      ),
    minimumPollers: z.number().int().min(1).max(200).default(1).describe('Provisioned pollers always running (MinimumPollers).'),
    maximumPollers: z.number().int().min(1).max(2000).default(10).describe('Upper bound of the offset-lag autoscaling (MaximumPollers).'),
    pollerGroupName: z
      .union([z.string().regex(POLLER_GROUP_NAME_PATTERN, 'expected 1 to 128 letters, digits, - or _'), z.literal(false)])
      .optional()
      .describe(
        "Provisioned poller group of the stack's mappings (ProvisionedPollerConfig.PollerGroupName): mappings in one group (up to 100 in one VPC, at most 2000 maximum pollers together) share Event Poller Units, " +
          "so each topic does not pay an EPU floor of its own. Default `<stack name>-pollers`; `false` gives every mapping pollers of its own. Changes no mapping's logical id or consumer group.",
      ),
    retryAttempts: z
      .number()
      .int()
      .min(-1)
      .max(10_000)
      .default(DEFAULT_RETRY_ATTEMPTS)
      .describe(
        "Retries of a failing batch before it goes to the on-failure destination. Default 10000, the most Lambda accepts, so that a halted partition (the sink's brake) waits until it is fixed, " +
          'bounded by maxRecordAgeSeconds. -1 is not "forever" here: with an on-failure destination Lambda caps it at 10 retries.',
      ),
    maxRecordAgeSeconds: z
      .number()
      .int()
      .refine((age) => age === -1 || (age >= 60 && age <= 604_800), 'expected -1 (no limit) or 60 to 604800')
      .default(DEFAULT_MAX_RECORD_AGE_SECONDS)
      .describe(
        'Records older than this go to the on-failure destination instead of the function; -1 never. Default 432000 (5 days): the outer bound of a halt. ' +
          "Keep it below the topic's retention, so that the replay function can still re-read the offsets of an on-failure message from Kafka.",
      ),
    bisectOnError: z.boolean().default(true).describe('Split a failing batch in two and retry each half.'),
    schemaRegistry: esmSchemaRegistrySchema.optional(),
  })
  .strict()
  .superRefine((source, ctx) => {
    if (source.minimumPollers > source.maximumPollers) {
      ctx.addIssue({
        code: 'custom',
        path: ['minimumPollers'],
        input: source.minimumPollers,
        message: `must not exceed maximumPollers (${source.maximumPollers})`,
      });
    }
    if (source.consumerGroupId !== undefined && source.consumerGroups !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['consumerGroupId'],
        input: source.consumerGroupId,
        message: 'not allowed with consumerGroups: name the group of every topic there',
      });
    }
    const seen = new Map<string, string>();
    for (const [topic, group] of Object.entries(source.consumerGroups ?? {})) {
      const other = seen.get(group);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['consumerGroups', topic],
          input: group,
          message: `already the group of ${other}: a group id must be unique per mapping`,
        });
      seen.set(group, topic);
    }
    const needsTimestamp = source.startingPosition === 'AT_TIMESTAMP';
    if (needsTimestamp !== (source.startingPositionTimestamp !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['startingPositionTimestamp'],
        input: source.startingPositionTimestamp,
        message: needsTimestamp ? 'required when startingPosition is AT_TIMESTAMP' : 'only allowed when startingPosition is AT_TIMESTAMP',
      });
    }
  })
  .describe('The Kafka event source mapping.');

const functionSchema = z
  .object({
    memorySize: z
      .number()
      .int()
      .min(128)
      .max(10_240)
      .default(DEFAULT_MEMORY_SIZE)
      .describe('Memory in MB of both functions (CPU grows with it).'),
    timeoutSeconds: z.number().int().min(1).max(900).default(60).describe('Sink function timeout.'),
    reservedConcurrency: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Reserved concurrency of the sink function (caps the load on the database). Default: none (account pool).'),
    logRetentionDays: z
      .union(
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((days) =>
          z.literal(days),
        ),
      )
      .default(30)
      .describe('CloudWatch Logs retention of both functions.'),
  })
  .strict()
  .describe('The sink function.');

const replaySchema = z
  .object({
    batchSize: z.number().int().min(1).max(10).default(10).describe('DLQ messages per replay invocation.'),
    maxReceiveCount: z.number().int().min(1).max(1000).default(3).describe('Failed replays of a message before it goes back to the DLQ.'),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(900)
      .default(60)
      .describe("Replay function timeout; the replay queue's visibility timeout is six times this."),
    maxConcurrency: z
      .number()
      .int()
      .min(2)
      .max(1000)
      .default(2)
      .describe(
        "Most concurrent replay invocations (the SQS event source's MaximumConcurrency, 2-1000): a redrive of many dead letters cannot overload the database.",
      ),
  })
  .strict()
  .describe('The replay queue and function.');

const connectionSecretSchema = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('existing').describe('Use the secret ARNs written in the sink config.') }).strict(),
    z
      .object({
        mode: z
          .literal('create')
          .describe(
            'Create the credentials secret (generated placeholder); put the real value after deploy. Its ARN replaces the one in the sink config. Not for Keyspaces with SigV4 auth (the function role signs).',
          ),
        name: z
          .string()
          .regex(/^[A-Za-z0-9/_+=.@-]{1,200}$/, 'expected a secret name')
          .refine((name) => !/-[A-Za-z0-9]{6}$/.test(name), 'must not end with "-" and six characters (it would read as a full ARN)')
          .optional()
          .describe('Secret name. Default: `<stack name>/connection`.'),
      })
      .strict(),
  ])
  .prefault({ mode: 'existing' })
  .describe('The database credentials secret (cassandra credentials, Astra token, Keyspaces service-specific credentials).');

const alarmsSchema = z
  .object({
    topicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/, 'expected an SNS topic ARN')
      .optional()
      .describe('SNS topic notified by every alarm. Default: alarms without actions.'),
    offsetLagThreshold: z
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe(
        'OffsetLag that raises the lag alarm: the records of the topic waiting to be processed (summed over its partitions, as AWS measures it).',
      ),
    offsetLagMinutes: z.number().int().min(1).max(60).default(15).describe('Minutes the lag must stay above the threshold.'),
    errorsThreshold: z.number().int().min(1).default(1).describe('Sink function errors in 5 minutes that raise the errors alarm.'),
    notPollingMinutes: z
      .number()
      .int()
      .min(5)
      .max(60)
      .multipleOf(5)
      .default(15)
      .describe(
        'Minutes without any OffsetLag datapoint (the mappings stopped polling) that raise the not-polling alarm; a multiple of 5.',
      ),
    replayAgeMinutes: z
      .number()
      .int()
      .min(1)
      .max(20_160)
      .default(60)
      .describe('Age in minutes of the oldest replay queue message that raises the replay age alarm.'),
  })
  .strict()
  .describe('CloudWatch alarms.');

const cqlColumnTypeSchema = z.string().min(1);

const devTableSchema = z
  .object({
    columns: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case CQL column name'), cqlColumnTypeSchema)
      .describe('Column name → CQL type.'),
    partitionKey: z.array(z.string()).min(1).describe('Partition key columns, in order.'),
    clusteringKey: z
      .array(z.object({ column: z.string(), order: z.enum(['ASC', 'DESC']).default('ASC') }).strict())
      .default([])
      .describe('Clustering columns, in order.'),
  })
  .strict();

const devSchema = z
  .object({
    msk: z
      .object({
        instanceType: z
          .string()
          .regex(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, 'expected an MSK instance type such as kafka.t3.small')
          .default('kafka.t3.small')
          .describe('Broker instance type of the dev cluster.'),
        kafkaVersion: z
          .string()
          .regex(/^\d+\.\d+\.\d+(\.[a-z]+)?$/, 'expected a Kafka version such as 3.6.0')
          .default('3.6.0')
          .describe('Kafka version of the dev cluster.'),
      })
      .strict()
      .prefault({})
      .describe('The dev MSK cluster (IAM auth, one broker per zone).'),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, 'expected an availability zone such as eu-west-1a'))
      .min(2)
      .max(3)
      .optional()
      .describe('Zones of the dev VPC (MSK needs two or three). Default: `<region>a` and `<region>b`.'),
    tables: z
      .record(z.string(), devTableSchema)
      .default({})
      .describe(
        'keyspaces profile: the schema of each sink table ("keyspace.table" as in the sink config), created as AWS::Cassandra tables.',
      ),
  })
  .strict()
  .describe(
    'Optional dev stack: a small MSK cluster in its own VPC and, on keyspaces, the keyspaces and tables. When set, `kafka` and `network` come from it.',
  );

export const deployConfigSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,60}$/, 'expected letters, digits and "-", starting with a letter, at most 61')
      .default('kafka-cql-sink')
      .describe('CloudFormation stack name; names of created resources derive from it.'),
    env: envSchema,
    sinkConfig: z.string().min(1).describe('Path of the sink config (YAML or JSON), relative to this file. Bundled with the function.'),
    network: networkSchema.optional(),
    kafka: kafkaSchema.optional(),
    eventSource: eventSourceSchema.prefault({}),
    function: functionSchema.prefault({}),
    replay: replaySchema.prefault({}),
    connectionSecret: connectionSecretSchema,
    alarms: alarmsSchema.prefault({}),
    dev: devSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.dev === undefined) {
      if (config.kafka === undefined)
        ctx.addIssue({ code: 'custom', path: ['kafka'], input: undefined, message: 'required (or set `dev` to create a dev cluster)' });
      if (config.network === undefined)
        ctx.addIssue({ code: 'custom', path: ['network'], input: undefined, message: 'required (or set `dev` to create a dev VPC)' });
    } else {
      for (const key of ['kafka', 'network'] as const) {
        if (config[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], input: config[key], message: 'not allowed with `dev`: the dev stack provides it' });
      }
    }
  })
  .describe('Deployment of kafka-cql-sink.');

export type DeployConfig = z.output<typeof deployConfigSchema>;
export type DeployConfigInput = z.input<typeof deployConfigSchema>;
export type KafkaConfig = NonNullable<DeployConfig['kafka']>;
export type NetworkConfig = NonNullable<DeployConfig['network']>;
export type EventSourceConfig = DeployConfig['eventSource'];
export type DevConfig = NonNullable<DeployConfig['dev']>;
export type DevTableConfig = DevConfig['tables'][string];
