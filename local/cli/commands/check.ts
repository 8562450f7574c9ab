import { createSinkRuntime } from '../../../lambdas/adapters/sink-runtime.js';
import type { DeadLetterSink } from '../../../lambdas/core/dead-letter.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { stringOf, UsageError, type Command, type Io, type Values } from '../command.js';
import { readConfigFile, sinkTarget } from '../target.js';

/** check builds the engine only; nothing is ever written, so nothing is ever dead-lettered. */
const unusedDeadLetters: DeadLetterSink = {
  send: () => Promise.reject(new Error('check writes nothing and dead-letters nothing')),
};

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate a sink config: the schema, then every mapping against the live tables of the cluster. Prints every problem; exit 1 if there are any.',
  usage: 'kafka-cql-sink check --config <file> [--local | --offline]',
  description: [
    'First the config file is validated (types, names, mapping syntax, profile rules). Then, unless --offline, the sink',
    'connects as the Lambda would (credentials from Secrets Manager), reads every target table, checks each mapping',
    '(unknown columns, unmapped primary key columns, incompatible types) and prepares every statement.',
    'Exit codes: 0 no problems, 1 problems found (or the cluster could not be reached), 2 usage error.',
  ].join('\n'),
  options: {
    config: { type: 'string', short: 'c', value: '<file>', description: 'Sink config (YAML or JSON).', env: 'SINK_CONFIG_FILE' },
    local: { type: 'boolean', description: 'Check against the local services (AWS emulator; local credentials for a cassandra connection without any).' },
    offline: { type: 'boolean', description: 'Validate the file only; do not connect.' },
  },
  positionals: true,
  examples: ['npm run cli -- check --local --config config/example.sink.yaml', 'kafka-cql-sink check --config prod.sink.yaml   # AWS credentials and region from the environment'],
  run: check,
};

async function check(values: Values, positionals: readonly string[], io: Io): Promise<number> {
  const configFile = stringOf(values, 'config') ?? positionals[0];
  if (configFile === undefined) throw new UsageError('--config <file> is required');
  if (positionals.length > (stringOf(values, 'config') === undefined ? 1 : 0)) throw new UsageError(`unexpected argument ${JSON.stringify(positionals.at(-1))}`);

  let name: string;
  try {
    ({ name } = readConfigFile(configFile));
  } catch (error) {
    return report(error, io, configFile);
  }
  io.out(`${name}: the config is valid`);
  if (values.offline === true) return 0;

  try {
    const target = await sinkTarget(configFile, values.local === true);
    const runtime = await createSinkRuntime(target.env, { deadLetters: unusedDeadLetters });
    const tables = runtime.engine.tables;
    await runtime.close();
    io.out(`${name}: every mapping fits its table (${tables.join(', ')}); every statement prepared`);
    return 0;
  } catch (error) {
    return report(error, io, name);
  }
}

function report(error: unknown, io: Io, name: string): number {
  if (error instanceof ConfigError) {
    io.err(`${name}: ${String(error.problems.length)} problem${error.problems.length === 1 ? '' : 's'}:`);
    for (const problem of error.problems) io.err(`  - ${problem}`);
    return 1;
  }
  if (error instanceof UsageError) throw error;
  io.err(`${name}: could not check against the cluster: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  return 1;
}
