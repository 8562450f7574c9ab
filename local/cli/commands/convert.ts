import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';
import { UsageError, type Command, type Io, type Values } from '../command.js';

export const convertCommand: Command = {
  name: 'convert-connector-config',
  summary: 'Turn a DataStax Apache Kafka Connector config (.properties) into a sink config: YAML on stdout, warnings on stderr.',
  usage: 'kafka-cql-sink convert-connector-config <connector.properties> [> sink.yaml]',
  description: [
    'Passwords are never copied: credentials become a placeholder secret ARN to fill in. Where the two mapping',
    'languages differ in meaning the mapping is rewritten to mean what it meant in the connector, with a warning.',
    'Exit 0 even with warnings; review them, then run `kafka-cql-sink check` on the result.',
  ].join('\n'),
  options: {},
  positionals: true,
  examples: ['npm run cli -- convert-connector-config test/fixtures/connector/cassandra-sink.properties > sink.yaml'],
  run: convert,
};

function convert(_values: Values, positionals: readonly string[], io: Io): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('expected exactly one .properties file');
  const file = positionals[0] ?? '';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { config, warnings } = convertConnectorConfig(text);
  io.out(`# Converted from ${file} by kafka-cql-sink convert-connector-config.\n# Review the warnings it printed, then: kafka-cql-sink check --config <this file>\n${stringify(config, { lineWidth: 0 }).trimEnd()}`);
  for (const warning of warnings) io.err(`warning: ${warning}`);
  return Promise.resolve(0);
}
