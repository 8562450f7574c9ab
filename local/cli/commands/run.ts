import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_MAX_RECORD_AGE_SECONDS, DEFAULT_RETRY_ATTEMPTS } from '../../../infra/config/deploy-schema.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { RuntimeVariable } from '../../../lambdas/contract/runtime-env.js';
import { createRecordFilter, type RecordFilter } from '../../../lambdas/core/filter/index.js';
import { LOCAL_NAMES } from '../../runner/local-setup.js';
import { activeMembers, sharedGroupWarning } from '../../runner/consumer-group.js';
import { startDemoFeed, type DemoFeed } from '../../runner/demo-feed.js';
import { startSink, type RunSinkOptions } from '../../runner/run.js';
import { integerOf, processIo, stringOf, UsageError, type Command, type Io, type Values } from '../command.js';
import { liveLine, type LiveLine } from '../../runner/live-line.js';
import { configOption, kafkaConnectionOptions } from '../shared-options.js';
import { setUpLocalRun } from './run-setup/local.js';
import { setUpRemoteRun } from './run-setup/remote.js';

export { kafkaSettingsFromFlags, resolveRunKafka } from './run-setup/remote.js';

export const runCommand: Command = {
  name: 'run',
  summary:
    'Run the sink on this machine: the Lambda handler invoked by a local Kafka event source mapping (consumer group, ordered batches, commits after success).',
  usage:
    'kafka-cql-sink run [--config <file>] [--local] [--bootstrap-servers <list> | --msk-cluster-arn <arn>] [--kafka-auth <kind>] [--dlq-url <url>] [options]',
  description: [
    'Without --config (and without SINK_CONFIG_FILE) it runs the demo: it starts or reuses the local Cassandra, Kafka and AWS',
    'emulator, creates the shop keyspace and tables (config/example.schema.cql), the orders topic (3 partitions), the',
    'dead-letter and on-failure queues and the Cassandra credentials secret, then runs config/example.sink.yaml.',
    '--local with --config does the same for your config (add --schema to apply a CQL script first).',
    'Otherwise it runs against the Kafka of --bootstrap-servers and the cluster of the config, with AWS as the',
    'environment says (leave AWS_ENDPOINT_URL unset for real AWS). Progress goes to stdout; Ctrl-C stops cleanly.',
    '',
    'Kafka authentication (--kafka-auth), as the event source mapping and the replay function do:',
    '  none       plaintext (TLS with --msk-cluster-arn or --kafka-tls)',
    '  tls        TLS, no client authentication (system CAs; NODE_EXTRA_CA_CERTS adds a private CA)',
    '  plain      SASL/PLAIN; scram-256, scram-512: SASL/SCRAM-SHA-256/512. Username and password from the',
    '             Secrets Manager secret of --kafka-auth-secret-arn (JSON {"username","password"}); TLS with',
    '             --msk-cluster-arn or --kafka-tls',
    '  iam        MSK IAM: TLS + SASL/OAUTHBEARER, signed with the AWS credentials of the environment',
    '--msk-cluster-arn takes the brokers of the listener for that kind from GetBootstrapBrokers (iam: SASL/IAM,',
    'scram-*: SASL/SCRAM, otherwise TLS), so --bootstrap-servers is not needed; it wins when both are given.',
    'The local services (--local, the demo) are plaintext: these flags do not apply there.',
  ].join('\n'),
  options: {
    config: configOption,
    local: { type: 'boolean', description: 'Use the local services (implied when no config is given).' },
    schema: {
      type: 'string',
      value: '<file.cql>',
      description: 'With --local: CQL script to apply first (default: config/example.schema.cql for the example config).',
    },
    ...kafkaConnectionOptions({
      kafkaAuth: "How to authenticate to Kafka (see above); the deployment's spellings sasl-scram-256/512 work too.",
      kafkaTls: 'TLS to --bootstrap-servers with none, plain or scram-* (a SASL_SSL or SSL listener).',
    }),
    'group-id': {
      type: 'string',
      short: 'g',
      value: '<id>',
      description: `Consumer group of the event source mapping. Default: ${LOCAL_NAMES.groupId} for the demo, kafka-cql-sink-<config file name> for your config (its own offsets, never the demo's).`,
      env: 'KCS_GROUP_ID',
    },
    'dlq-url': { type: 'string', value: '<url>', description: 'Dead-letter SQS queue URL (local: created).', env: RuntimeVariable.dlqUrl },
    'dlq-overflow-bucket': {
      type: 'string',
      value: '<bucket>',
      description: 'S3 bucket for dead letters too large for SQS.',
      env: RuntimeVariable.dlqOverflowBucket,
    },
    'on-failure-url': {
      type: 'string',
      value: '<url>',
      description: 'SQS queue for discarded batches (on-failure destination; local: created).',
      env: 'KCS_ON_FAILURE_URL',
    },
    topics: { type: 'string', value: '<a,b>', description: 'Topics to consume (default: every topic of the config).' },
    filters: {
      type: 'string',
      value: '<json|@file>',
      description:
        'Event filter patterns, as eventSource.filters of the deployment: a JSON array, or @file (JSON or YAML). Records matching none are not delivered; their offsets are committed.',
      env: RuntimeVariable.kafkaFilters,
    },
    partitions: { type: 'string', value: '<n>', description: 'With --local: partitions of topics it creates.', default: '3' },
    'batch-size': { type: 'string', value: '<n>', description: 'ESM BatchSize.', default: '100' },
    'batching-window-ms': { type: 'string', value: '<ms>', description: 'ESM MaximumBatchingWindowInSeconds, in ms.', default: '500' },
    'max-concurrency': {
      type: 'string',
      value: '<n>',
      description: 'Invocations in flight at once (never two per partition).',
      default: '5',
    },
    sandboxes: {
      type: 'string',
      value: '<n>',
      description:
        'Run each invocation in a sandbox of its own, as Lambda does: n worker threads, each with its own sink runtime and Cassandra connection, taking one serialized event at a time; --max-concurrency becomes n. 0: every invocation in this process (uses one core at most).',
      default: '0',
    },
    'timeout-ms': { type: 'string', value: '<ms>', description: 'Function timeout.', default: '60000' },
    'max-retries': {
      type: 'string',
      value: '<n>',
      description: 'ESM MaximumRetryAttempts, as the deployment (-1: capped at 10 with the on-failure queue, as Lambda does).',
      default: String(DEFAULT_RETRY_ATTEMPTS),
    },
    'max-record-age-seconds': {
      type: 'string',
      value: '<s>',
      description: 'ESM MaximumRecordAgeInSeconds, as the deployment: older records go to the on-failure queue (-1: never).',
      default: String(DEFAULT_MAX_RECORD_AGE_SECONDS),
    },
    'starting-position': {
      type: 'string',
      value: '<TRIM_HORIZON|LATEST>',
      description: 'Where a new group starts.',
      default: 'TRIM_HORIZON',
    },
    'progress-interval-ms': { type: 'string', value: '<ms>', description: 'Progress line interval; 0 for none.', default: '2000' },
    'demo-rate': {
      type: 'string',
      value: '<records/s>',
      description: 'The demo only: demo records produced per second while it runs (0: none; then use `npm run produce`).',
      default: '100',
    },
    'log-level': {
      type: 'string',
      value: '<level>',
      description:
        'Handler log level (Powertools): DEBUG, INFO, WARN, ERROR, SILENT. Default WARN, or ERROR for the demo (its poison records are there on purpose).',
      env: RuntimeVariable.logLevel,
    },
  },
  examples: [
    'npm start                                              # the demo on the local services',
    'npm run cli -- run --local --config my.sink.yaml --schema my.cql',
    'kafka-cql-sink run --config prod.sink.yaml --bootstrap-servers b-1.kafka:9092 --dlq-url https://sqs.eu-west-1.amazonaws.com/123456789012/sink-dlq',
    'kafka-cql-sink run --config prod.sink.yaml --msk-cluster-arn arn:aws:kafka:eu-west-1:123456789012:cluster/prod/abcd-1234 --kafka-auth iam --dlq-url …',
    'kafka-cql-sink run --config prod.sink.yaml -b broker-1:9096 --kafka-tls --kafka-auth scram-512 --kafka-auth-secret-arn arn:aws:secretsmanager:… --dlq-url …',
  ],
  run: runSinkCommand,
};

async function runSinkCommand(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
  const configFile = stringOf(values, 'config');
  const local = values.local === true || configFile === undefined;
  const startingPosition = stringOf(values, 'starting-position');
  if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST')
    throw new UsageError(`--starting-position must be TRIM_HORIZON or LATEST, got ${String(startingPosition)}`);
  const maxRetries = integerOf(values, 'max-retries', -1, 10_000) ?? DEFAULT_RETRY_ATTEMPTS;
  const maxRecordAge = integerOf(values, 'max-record-age-seconds', -1, 604_800) ?? DEFAULT_MAX_RECORD_AGE_SECONDS;
  const sandboxes = integerOf(values, 'sandboxes', 0, 64) ?? 0;
  let poller: RunSinkOptions['poller'] = {
    batchSize: integerOf(values, 'batch-size', 1, 10_000) ?? 100,
    maximumBatchingWindowMs: integerOf(values, 'batching-window-ms', 0, 300_000) ?? 500,
    maxConcurrency: sandboxes > 0 ? sandboxes : (integerOf(values, 'max-concurrency', 1, 1000) ?? 5),
    timeoutMs: integerOf(values, 'timeout-ms', 1000, 900_000) ?? 60_000,
    maximumRetryAttempts: maxRetries,
    maximumRecordAgeSeconds: maxRecordAge,
    // As the deployment (eventSource.bisectOnError); the sink's brake keeps a systemic failure held in the halves.
    bisectBatchOnFunctionError: true,
    startingPosition,
  };
  const filter = recordFilterFromFlags(values);
  if (filter !== undefined) poller = { ...poller, filter };
  const progressIntervalMs = integerOf(values, 'progress-interval-ms', 0, 3_600_000) ?? 2000;
  // The handler's logs and metrics: warnings only, and no EMF metric documents on a terminal.
  process.env[RuntimeVariable.logLevel] = stringOf(values, 'log-level') ?? (configFile === undefined ? 'ERROR' : 'WARN');
  process.env[RuntimeVariable.metricsDisabled] ??= 'true';

  const { options, demoRate } = local ? await setUpLocalRun(values, io, poller) : await setUpRemoteRun(configFile, values, io, poller);

  const warning = sharedGroupWarning(options.groupId, await activeMembers(options.bootstrapServers, options.groupId, options.auth));
  if (warning !== undefined) io.err(warning);

  // On a terminal the progress line is redrawn in place with everything else scrolling above it.
  const live: LiveLine =
    io === processIo
      ? liveLine(process.stdout)
      : {
          update: (line) => {
            io.out(line);
          },
          close: () => undefined,
        };
  const sink = await startSink({
    ...options,
    ...(sandboxes > 0 ? { sandboxes } : {}),
    ...(progressIntervalMs > 0
      ? {
          progress: (line: string) => {
            live.update(line);
          },
          progressIntervalMs,
        }
      : {}),
    warn: (line) => {
      io.err(line);
    },
  });
  io.out(`sink running: tables ${sink.tables.join(', ')}${sandboxes > 0 ? ` (${String(sandboxes)} sandboxes)` : ''}`);
  if (filter !== undefined)
    io.out(`event filters: ${String(filter.patterns.length)} pattern(s); records matching none are skipped and committed`);
  const feed: DemoFeed | undefined =
    demoRate > 0
      ? startDemoFeed(options.bootstrapServers, 'orders', demoRate, (line) => {
          io.err(line);
        })
      : undefined;

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      io.err(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    io.out(`${signal}: stopping (in-flight batches finish and commit; Ctrl-C again to exit at once)…`);
    void (feed?.stop() ?? Promise.resolve()).then(() => sink.stop());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await sink.stopped;
  } catch (error) {
    io.err(`stopped: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    live.close();
    await feed?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const stats = sink.poller.stats();
  if (feed !== undefined) io.out(`demo feed: produced ${String(feed.produced())} records`);
  io.out(
    `stopped: written ${String(sink.counts.written)}, dead-lettered ${String(sink.counts.deadLettered)}, failed ${String(sink.counts.failed)}, invocations ${String(stats.invocations)}`,
  );
  return 0;
}

/**
 * The event filters of --filters (or KAFKA_FILTERS): inline JSON, or @file with
 * JSON or YAML; validated as `cdk synth` validates eventSource.filters.
 */
export function recordFilterFromFlags(
  values: Values,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): RecordFilter | undefined {
  const text = stringOf(values, 'filters');
  if (text === undefined || text.trim() === '') return undefined;
  const fromFile = text.startsWith('@');
  const source = fromFile ? `--filters ${text}` : '--filters';
  let patterns: unknown;
  try {
    patterns = fromFile ? parseYaml(readFile(text.slice(1))) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${source}: ${fromFile ? 'cannot read it' : 'not JSON'}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return createRecordFilter(patterns, source);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
