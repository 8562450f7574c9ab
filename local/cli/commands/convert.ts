import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';
import { parseProperties } from '../../../lambdas/core/config/properties.js';
import { stringOf, UsageError, type Command, type Io, type Values } from '../command.js';
import { cutoverDeploySettings } from '../cutover.js';

export const convertCommand: Command = {
  name: 'convert-connector-config',
  summary: 'Turn a DataStax Apache Kafka Connector config (.properties) into a sink config: YAML on stdout, warnings on stderr.',
  usage: 'kafka-cql-sink convert-connector-config <connector.properties> [--deploy-out <file>] [--stack-name <name>] [> sink.yaml]',
  description: [
    'Passwords are never copied: credentials become a placeholder secret ARN to fill in. Where the two mapping',
    'languages differ in meaning the mapping is rewritten to mean what it meant in the connector, with a warning.',
    'Exit 0 even with warnings; review them, then run `kafka-cql-sink check` on the result.',
    '',
    'For the cut-over from the running connector, --deploy-out writes the deployment settings to merge into the',
    'deployment config: one pinned consumer group per topic (<stack>-sink-<topic>) and startingPosition TRIM_HORIZON,',
    "with the `kafka-cql-sink migrate-offsets` line that copies the connector's offsets (group connect-<name>) into them.",
  ].join('\n'),
  options: {
    'deploy-out': {
      type: 'string',
      value: '<file>',
      description: 'Also write the cut-over deployment settings (eventSource.consumerGroups) to this file.',
    },
    'stack-name': {
      type: 'string',
      value: '<name>',
      description: 'With --deploy-out: the stack name the groups derive from.',
      default: 'kafka-cql-sink',
    },
  },
  positionals: true,
  examples: [
    'npm run cli -- convert-connector-config test/fixtures/connector/cassandra-sink.properties > sink.yaml',
    'kafka-cql-sink convert-connector-config cassandra-sink.properties --deploy-out cutover.deploy.yaml --stack-name orders-sink > sink.yaml',
  ],
  run: convert,
};

function convert(values: Values, positionals: readonly string[], io: Io): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('expected exactly one .properties file');
  const file = positionals[0] ?? '';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { config, warnings } = convertConnectorConfig(text);
  io.out(
    `# Converted from ${file} by kafka-cql-sink convert-connector-config.\n# Review the warnings it printed, then: kafka-cql-sink check --config <this file>\n${stringify(config, { lineWidth: 0 }).trimEnd()}`,
  );
  for (const warning of warnings) io.err(`warning: ${warning}`);
  const deployOut = stringOf(values, 'deploy-out');
  if (deployOut !== undefined) {
    const stackName = stringOf(values, 'stack-name') ?? 'kafka-cql-sink';
    if (!/^[A-Za-z][A-Za-z0-9-]{0,60}$/.test(stackName))
      throw new UsageError(
        `--stack-name: expected letters, digits and "-", starting with a letter, at most 61, got ${JSON.stringify(stackName)}`,
      );
    const connectorName = parseProperties(text).name?.trim();
    try {
      writeFileSync(
        deployOut,
        `${cutoverDeploySettings(connectorName === '' ? undefined : connectorName, Object.keys(config.topics), stackName)}\n`,
      );
    } catch (error) {
      throw new UsageError(`cannot write ${JSON.stringify(deployOut)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    io.err(
      `wrote the cut-over deployment settings (consumer group per topic) to ${deployOut}: merge them into the deployment config, then run the migrate-offsets line it shows`,
    );
  }
  return Promise.resolve(0);
}
