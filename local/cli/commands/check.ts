import { createSinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import type { DeadLetterSink } from '../../../lambdas/core/dead-letter.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSource } from '../../../lambdas/adapters/secrets.js';
import type { KafkaConnection } from '../../../lambdas/adapters/kafka/index.js';
import { endpoints } from '../../services/index.js';
import { checkSample, dryRunSession, formatSampleReport, sampleRecords, type SampleReport } from '../../runner/sample-check.js';
import { integerOf, stringOf, UsageError, type Command, type Io, type OptionSpec, type Values } from '../command.js';
import { KAFKA_CONNECTION_FLAGS, configOption } from '../shared-options.js';
import { readConfigFile, sinkTarget } from '../target.js';
import { kafkaSettingsFromFlags, resolveRunKafka, runCommand } from './run.js';

/** --sample reads Kafka as `run` does: the same flags. */
const kafkaOptions: Record<string, OptionSpec> = Object.fromEntries(
  KAFKA_CONNECTION_FLAGS.flatMap((name) => {
    const spec = runCommand.options[name];
    return spec === undefined ? [] : [[name, spec]];
  }),
);

/** check builds the engine only; nothing is ever written, so nothing is ever dead-lettered. */
const unusedDeadLetters: DeadLetterSink = {
  send: () => Promise.reject(new Error('check writes nothing and dead-letters nothing')),
};

export const checkCommand: Command = {
  name: 'check',
  summary:
    'Validate a sink config: the schema, then every mapping against the live tables of the cluster. Prints every problem; exit 1 if there are any.',
  usage:
    'kafka-cql-sink check --config <file> [--local | --offline] [--sample <n> [--sample-from earliest|latest] [--bootstrap-servers <list>]] [--json]',
  description: [
    'First the config file is validated (types, names, mapping syntax, profile rules). Then, unless --offline, the sink',
    'connects as the Lambda would (credentials from Secrets Manager), reads every target table, checks each mapping',
    '(unknown columns, unmapped primary key columns, incompatible types) and prepares every statement.',
    '',
    '--sample N then reads up to N records of each topic (shared among its partitions; the first ones, or the last with',
    '--sample-from latest), without joining a group or committing, runs them through decode → map → convert → bind',
    'exactly as the sink would, writes nothing, and lists the records that would be dead-lettered, grouped by error.',
    'Kafka is the local one with --local, else --bootstrap-servers or --msk-cluster-arn with the `run` auth flags.',
    'Exit codes: 0 no problems, 1 problems found (a sampled record that would be dead-lettered counts; or the cluster',
    'could not be reached), 2 usage error.',
  ].join('\n'),
  options: {
    config: configOption,
    local: {
      type: 'boolean',
      description: 'Check against the local services (AWS emulator; local credentials for a cassandra connection without any).',
    },
    offline: { type: 'boolean', description: 'Validate the file only; do not connect.' },
    sample: { type: 'string', value: '<n>', description: 'Also run up to n records of each topic through the sink, writing nothing.' },
    'sample-from': { type: 'string', value: '<earliest|latest>', description: 'Which records --sample reads.', default: 'earliest' },
    json: { type: 'boolean', description: 'One JSON object instead of text: config, valid, problems, tables, and the --sample report.' },
    ...kafkaOptions,
  },
  positionals: true,
  examples: [
    'npm run cli -- check --local --config config/example.sink.yaml',
    'npm run cli -- check --local --config my.sink.yaml --sample 1000',
    'kafka-cql-sink check --config prod.sink.yaml   # AWS credentials and region from the environment',
    'kafka-cql-sink check --config prod.sink.yaml --sample 500 --sample-from latest -b b-1.kafka:9092',
  ],
  run: check,
};

/** What `check --json` prints: one object, whatever the outcome. */
interface CheckResult {
  config: string;
  valid: boolean;
  /** Every problem of the file or of the mappings against the live tables. */
  problems: string[];
  /** Set when the cluster could not be reached or another error stopped the check. */
  error?: string;
  tables?: readonly string[];
  sample?: SampleReport & { writesNotSent: number };
}

async function check(values: Values, positionals: readonly string[], io: Io): Promise<number> {
  const configFile = stringOf(values, 'config') ?? positionals[0];
  if (configFile === undefined) throw new UsageError('--config <file> is required');
  if (positionals.length > (stringOf(values, 'config') === undefined ? 1 : 0))
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals.at(-1))}`);
  const json = values.json === true;
  const sample = integerOf(values, 'sample', 1, 1_000_000);
  const from = stringOf(values, 'sample-from') ?? 'earliest';
  if (from !== 'earliest' && from !== 'latest')
    throw new UsageError(`--sample-from must be earliest or latest, got ${JSON.stringify(from)}`);
  if (values.offline === true && sample !== undefined)
    throw new UsageError('--sample reads Kafka and the live tables: it cannot be --offline');
  // With --json, the text lines are left out and one object says it all at the end.
  const say = (line: string): void => {
    if (!json) io.out(line);
  };
  const result: CheckResult = { config: configFile, valid: false, problems: [] };
  const finish = (code: number): number => {
    if (json) io.out(JSON.stringify(result));
    return code;
  };

  try {
    ({ name: result.config } = readConfigFile(configFile));
  } catch (error) {
    return finish(report(error, io, configFile, result, json));
  }
  const name = result.config;
  say(`${name}: the config is valid`);
  if (values.offline === true) {
    result.valid = true;
    return finish(0);
  }

  let kafka: KafkaConnection | undefined;
  if (sample !== undefined)
    kafka = values.local === true ? { bootstrapServers: [endpoints.kafka], auth: { type: 'none' } } : await remoteKafka(values);
  let dryRun: ReturnType<typeof dryRunSession> | undefined;
  try {
    const target = await sinkTarget(configFile, values.local === true);
    for (const note of target.notes) io.err(note);
    const runtime = await createSinkRuntime(target.env, {
      deadLetters: unusedDeadLetters,
      wrapSession: (real) => (dryRun = dryRunSession(real)),
    });
    try {
      result.valid = true;
      result.tables = runtime.engine.tables;
      say(`${name}: every mapping fits its table (${runtime.engine.tables.join(', ')}); every statement prepared`);
      if (kafka === undefined) return finish(0);
      const records = await sampleRecords(kafka, Object.keys(runtime.config.topics), sample ?? 0, from);
      const sampled = await checkSample(runtime.engine, records);
      result.sample = { ...sampled, writesNotSent: dryRun?.writes() ?? 0 };
      if (!json) {
        const print = (line: string): void => {
          if (sampled.wouldDeadLetter > 0) io.err(line);
          else io.out(line);
        };
        for (const line of formatSampleReport(sampled)) print(`${name}: ${line}`);
      }
      return finish(sampled.wouldDeadLetter > 0 ? 1 : 0);
    } finally {
      await runtime.close();
    }
  } catch (error) {
    return finish(report(error, io, name, result, json));
  }
}

async function remoteKafka(values: Values): Promise<KafkaConnection> {
  const settings = kafkaSettingsFromFlags(values);
  if (settings.clusterArn === undefined && settings.bootstrapServers === undefined) {
    throw new UsageError('--sample needs Kafka: --local, --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) or --msk-cluster-arn');
  }
  return resolveRunKafka(settings, { secrets: new SecretsManagerSource({ client: new SecretsManagerClient({}) }) });
}

function report(error: unknown, io: Io, name: string, result: CheckResult, json: boolean): number {
  if (error instanceof ConfigError) {
    result.valid = false;
    result.problems = [...error.problems];
    if (!json) {
      io.err(`${name}: ${String(error.problems.length)} problem${error.problems.length === 1 ? '' : 's'}:`);
      for (const problem of error.problems) io.err(`  - ${problem}`);
    }
    return 1;
  }
  if (error instanceof UsageError) throw error;
  result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (!json) io.err(`${name}: could not check against the cluster: ${result.error}`);
  return 1;
}
