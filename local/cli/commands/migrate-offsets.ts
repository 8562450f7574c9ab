import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeBrokerAuth, parseKafkaAuthKind, type KafkaConnection } from '../../../lambdas/adapters/kafka/index.js';
import { SecretsManagerSource } from '../../../lambdas/adapters/secrets.js';
import { endpoints } from '../../services/index.js';
import { applyMigration, describePlan, planMigration, readMigrationState, type TargetGroups } from '../../runner/offset-migration.js';
import { listOf, stringOf, UsageError, type Command, type Io, type Values } from '../command.js';
import { connectorGroupId, deploymentGroups } from '../cutover.js';
import { KAFKA_CONNECTION_FLAGS, kafkaConnectionOptions } from '../shared-options.js';
import { kafkaSettingsFromFlags, resolveRunKafka } from './run.js';

export const migrateOffsetsCommand: Command = {
  name: 'migrate-offsets',
  summary:
    "Copy a Kafka Connect sink connector's committed offsets into the sink's consumer groups (one per topic), for a cut-over without gaps or reprocessing.",
  usage:
    'kafka-cql-sink migrate-offsets (--connector-name <name> | --from-group <group>) (--to-group <group> | --group-for <topic>=<group> | --deploy <file>) [--local | --bootstrap-servers <list> …] [--dry-run] [--force]',
  description: [
    'A Kafka event source mapping created with an existing consumer group resumes from its committed offsets (it ignores',
    "StartingPosition then). Each mapping has one topic and a group of its own, so the connector's group connect-<name> is",
    'copied topic by topic: --to-group for a connector with one topic, --group-for topic=group for each topic (repeat it or',
    'give a comma list), or --deploy to take the groups from the deployment config (eventSource.consumerGroups, default',
    '<stack>-sink-<topic>). A partition without a commit gets its earliest offset, where a Connect sink task starts.',
    '',
    "It refuses while the connector's group has active members (stop or pause the connector: its tasks still commit), when",
    'a target group has members, and when a target group already has commits (unless --force). Run it before the first',
    'deploy of the mappings: a mapping created before the copy has started from StartingPosition already.',
    'Kafka connection flags are those of `run` (--kafka-auth, --msk-cluster-arn, …); --local uses the local Kafka.',
  ].join('\n'),
  options: {
    'connector-name': { type: 'string', value: '<name>', description: "The connector's name: its group is connect-<name>." },
    'from-group': { type: 'string', value: '<group>', description: 'The source group itself (instead of --connector-name).' },
    'to-group': { type: 'string', value: '<group>', description: "The sink's group, for a source with one topic (or with --topic)." },
    topic: { type: 'string', value: '<topic>', description: 'With --to-group: the topic to copy when the source group has several.' },
    'group-for': {
      type: 'string',
      value: '<topic>=<group>',
      multiple: true,
      description: "The sink's group of a topic; repeat it, or a comma list.",
    },
    deploy: { type: 'string', value: '<file>', description: 'Deployment config: the group of each consumed topic, as the stack sets it.' },
    'dry-run': { type: 'boolean', description: 'Print the plan (topic/partition: offset per group) and change nothing.' },
    force: { type: 'boolean', description: 'Overwrite a target group that already has commits.' },
    local: { type: 'boolean', description: 'Use the local Kafka (`npm run services:start`).' },
    ...kafkaConnectionOptions({
      kafkaAuth: 'How to authenticate to Kafka, as for `run`.',
      kafkaTls: 'TLS to --bootstrap-servers with none, plain or scram-*.',
    }),
  },
  examples: [
    'kafka-cql-sink migrate-offsets --connector-name cassandra-sink --deploy deploy.yaml --msk-cluster-arn arn:aws:kafka:… --kafka-auth iam --dry-run',
    'kafka-cql-sink migrate-offsets --from-group connect-cassandra-sink --group-for orders=orders-sink-orders,payments=orders-sink-payments -b broker-1:9092',
    'npm run cli -- migrate-offsets --local --connector-name cassandra-sink --to-group kafka-cql-sink-sink-orders',
  ],
  run: migrateOffsets,
};

async function migrateOffsets(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
  const sourceGroup = sourceGroupOf(values);
  const targets = targetGroupsOf(values);
  const connection = await kafkaConnectionOf(values, io);
  const targetGroupIds = targets.kind === 'one' ? [targets.group] : [...new Set(Object.values(targets.groups))];
  const topics = targets.kind === 'per-topic' ? Object.keys(targets.groups) : targets.topic === undefined ? 'source' : [targets.topic];
  const state = await readMigrationState(connection, sourceGroup, targetGroupIds, topics);
  const plan = planMigration(sourceGroup, targets, state, values.force === true);
  io.out(
    `source group ${sourceGroup} on ${connection.bootstrapServers.join(',')} (${describeBrokerAuth(connection.auth)}): ${state.source.members.length === 0 ? 'no active members' : `active members ${state.source.members.join(', ')}`}`,
  );
  for (const line of describePlan(plan)) io.out(line);
  for (const note of plan.notes) io.err(`note: ${note}`);
  if (plan.refusals.length > 0) {
    for (const refusal of plan.refusals) io.err(`refused: ${refusal}`);
    return 1;
  }
  if (values['dry-run'] === true) {
    io.out('dry run: nothing changed');
    return 0;
  }
  await applyMigration(connection, plan);
  for (const copy of plan.copies)
    io.out(`copied ${String(copy.partitions.length)} partition offset(s) of ${copy.topic} into group ${copy.targetGroup}`);
  return 0;
}

function sourceGroupOf(values: Values): string {
  const name = stringOf(values, 'connector-name');
  const group = stringOf(values, 'from-group');
  if ((name === undefined) === (group === undefined)) throw new UsageError('give one of --connector-name <name> or --from-group <group>');
  return group ?? connectorGroupId(name ?? '');
}

function targetGroupsOf(values: Values): TargetGroups {
  const toGroup = stringOf(values, 'to-group');
  const groupFor = listOf(values, 'group-for');
  const deploy = stringOf(values, 'deploy');
  const given = [toGroup, groupFor, deploy].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('give one of --to-group <group>, --group-for <topic>=<group> or --deploy <deployment config>');
  const topic = stringOf(values, 'topic');
  if (topic !== undefined && toGroup === undefined)
    throw new UsageError('--topic goes with --to-group (--group-for and --deploy name their topics)');
  if (toGroup !== undefined) return { kind: 'one', group: toGroup, ...(topic === undefined ? {} : { topic }) };
  if (deploy !== undefined) return { kind: 'per-topic', groups: deploymentGroups(deploy) };
  const groups: Record<string, string> = {};
  for (const pair of groupFor ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(pair);
    if (match === null) throw new UsageError(`--group-for expects <topic>=<group>, got ${JSON.stringify(pair)}`);
    const [, t = '', g = ''] = match;
    if (groups[t.trim()] !== undefined) throw new UsageError(`--group-for names topic ${JSON.stringify(t.trim())} twice`);
    groups[t.trim()] = g.trim();
  }
  return { kind: 'per-topic', groups };
}

async function kafkaConnectionOf(values: Values, io: Io): Promise<KafkaConnection> {
  if (values.local === true) {
    if (
      parseKafkaAuthKind(stringOf(values, 'kafka-auth')) !== 'none' ||
      KAFKA_CONNECTION_FLAGS.some((flag) => flag !== 'kafka-auth' && values[flag] !== undefined)
    ) {
      io.err('note: --local uses the local plaintext Kafka; the other Kafka flags are ignored');
    }
    return { bootstrapServers: [endpoints.kafka], auth: { type: 'none' } };
  }
  const settings = kafkaSettingsFromFlags(values);
  if (settings.clusterArn === undefined && settings.bootstrapServers === undefined) {
    throw new UsageError(
      '--bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS), --msk-cluster-arn (or KAFKA_CLUSTER_ARN) or --local is required',
    );
  }
  return resolveRunKafka(settings, { secrets: new SecretsManagerSource({ client: new SecretsManagerClient({}) }) });
}
