/**
 * `run --local` and the demo: starts (or reuses) the local services, prepares
 * the schema, topics, queues and credentials secret there, and runs the config
 * rewritten for the local services (local/runner/local-setup.ts says every
 * rewrite it makes). The local Kafka is plaintext: the Kafka auth flags do not apply.
 */
import { parseKafkaAuthKind } from '../../../../lambdas/adapters/kafka/index.js';
import { groupIdForConfig } from '../../../runner/consumer-group.js';
import { EXAMPLE_CONFIG, LOCAL_NAMES, prepareLocal } from '../../../runner/local-setup.js';
import type { RunSinkOptions } from '../../../runner/run.js';
import { describeEndpoints, endpoints } from '../../../services/index.js';
import { integerOf, stringOf, type Io, type Values } from '../../command.js';
import { topicsOption } from './flags.js';
import type { RunSetup } from './run-setup.js';

export async function setUpLocalRun(values: Values, io: Io, poller: RunSinkOptions['poller']): Promise<RunSetup> {
  const configFile = stringOf(values, 'config');
  const schema = stringOf(values, 'schema');
  const setup = await prepareLocal({
    ...(configFile === undefined ? {} : { configFile }),
    ...(schema === undefined ? {} : { schemaFile: schema }),
    partitions: integerOf(values, 'partitions', 1, 1000) ?? 3,
    log: (line) => {
      io.out(line);
    },
  });
  io.out(describeEndpoints().trim());
  if (parseKafkaAuthKind(stringOf(values, 'kafka-auth')) !== 'none' || stringOf(values, 'msk-cluster-arn') !== undefined) {
    io.err(
      'note: the local Kafka is plaintext; --kafka-auth and --msk-cluster-arn (KAFKA_AUTH, KAFKA_CLUSTER_ARN) are ignored with --local',
    );
  }
  const demo = setup.configFile === EXAMPLE_CONFIG;
  const options = {
    env: setup.env,
    bootstrapServers: setup.bootstrapServers,
    groupId: stringOf(values, 'group-id') ?? (demo ? LOCAL_NAMES.groupId : groupIdForConfig(setup.configFile)),
    onFailureQueueUrl: setup.onFailureUrl,
    ...topicsOption(values),
    poller,
  };
  io.out(
    `running ${demo ? 'the demo config config/example.sink.yaml' : setup.configFile} on ${endpoints.kafka}, group ${options.groupId}, topics ${(options.topics ?? setup.topics).join(', ')}`,
  );
  const demoRate = demo ? (integerOf(values, 'demo-rate', 0, 100_000) ?? 100) : 0;
  io.out(
    demoRate > 0
      ? `producing about ${String(demoRate)} demo records/s to orders, a few poison and a few tombstones (--demo-rate 0 to stop that; \`npm run produce\` adds more)`
      : 'produce demo records with `npm run produce -- --count 1000`',
  );
  io.out('Ctrl-C stops the sink (the services keep running; `npm run services:stop` stops them).');
  return { options, demoRate };
}
