/**
 * The deployment side of a cut-over from the DataStax connector: which
 * consumer group each topic's event source mapping uses, read from a
 * deployment config (migrate-offsets --deploy) or written for one
 * (convert-connector-config --deploy-out).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { loadSinkConfig } from '../../lambdas/core/config/load.js';
import { ConfigError } from '../../lambdas/core/errors.js';
import { defaultConsumerGroupId, resolveConsumerGroups } from '../../infra/config/consumer-groups.js';
import { parseDeployConfig } from '../../infra/config/load.js';

/** The Kafka Connect group of a sink connector: its tasks commit there. */
export function connectorGroupId(connectorName: string): string {
  return `connect-${connectorName}`;
}

/**
 * topic → consumer group of each mapping of a deployment config, as `cdk synth`
 * resolves them (eventSource.consumerGroups, consumerGroupId, or the default
 * `<stack>-sink-<topic>`). Only the deployment and sink configs' validation is
 * needed, not a deployable stack: placeholder secrets are fine here.
 */
export function deploymentGroups(deployFile: string): Record<string, string> {
  const deploy = parseDeployConfig(parseYaml(readText(deployFile)), deployFile);
  const sinkFile = resolve(dirname(deployFile), deploy.sinkConfig);
  const sink = loadSinkConfig(readText(sinkFile), sinkFile);
  const topics = deploy.eventSource.topics ?? Object.keys(sink.topics);
  const { groups, problems } = resolveConsumerGroups(deploy, topics);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${deployFile}: ${problem}`));
  return Object.fromEntries(Object.entries(groups).map(([topic, group]) => [topic, group.id]));
}

/**
 * The deployment settings of a cut-over, to merge into the deployment config:
 * one pinned group per topic (the ones migrate-offsets fills) and
 * TRIM_HORIZON, so a partition the connector never committed is read from its
 * start, as a Connect sink task would.
 */
export function cutoverDeploySettings(connectorName: string | undefined, topics: readonly string[], stackName: string): string {
  const consumerGroups = Object.fromEntries(topics.map((topic) => [topic, defaultConsumerGroupId(stackName, topic)]));
  const source = connectorName === undefined ? 'connect-<connector name>' : connectorGroupId(connectorName);
  const groupFlags = topics.map((topic) => `${topic}=${consumerGroups[topic] ?? ''}`).join(',');
  return [
    `# Deployment settings for the cut-over from the connector (written by kafka-cql-sink convert-connector-config).`,
    `# Merge them into the deployment config (stackName ${stackName}; the groups do not change with it afterwards).`,
    `# Before the first deploy, with the connector stopped, copy its offsets into these groups:`,
    `#   kafka-cql-sink migrate-offsets --from-group ${source} --group-for ${groupFlags} --bootstrap-servers <brokers>`,
    `# (or --deploy <deployment config>). Each mapping then resumes where the connector stopped.`,
    stringify({ stackName, eventSource: { startingPosition: 'TRIM_HORIZON', consumerGroups } }, { lineWidth: 0 }).trimEnd(),
  ].join('\n');
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
