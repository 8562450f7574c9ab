import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeIssues } from '../../lambdas/core/config/issues.js';
import { parseSinkConfig } from '../../lambdas/core/config/load.js';
import { placeholderSecretProblems } from '../../lambdas/core/config/placeholders.js';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';
import { ConfigError, showValue } from '../../lambdas/core/errors.js';
import { resolveConsumerGroups, type ConsumerGroup } from './consumer-groups.js';
import { deployConfigSchema, type DeployConfig } from './deploy-schema.js';
import { checkDevTables } from './dev-tables.js';
import { esmSchemaRegistryProblems } from './esm-schema-registry.js';
import { bundledSinkConfig, connectionSecretProblems, createdSecretName } from './secret.js';

/** Both configs, validated and cross-checked: what the stacks are built from. */
export interface Deployment {
  readonly deploy: DeployConfig;
  readonly sink: SinkConfig;
  /** The sink config as the function reads it (JSON of the user's input, with a created secret's ARN filled in). */
  readonly bundledSinkConfig: unknown;
  /** Topics the event source mappings consume. */
  readonly topics: readonly string[];
  /** The consumer group of each consumed topic. */
  readonly consumerGroups: Readonly<Record<string, ConsumerGroup>>;
}

/** Reads a deployment config file and the sink config it names. Throws one ConfigError listing every problem. */
export function loadDeployment(deployFile: string): Deployment {
  const deployInput = readYaml(deployFile);
  const deploy = parseDeployConfig(deployInput, deployFile);
  const sinkFile = resolve(dirname(deployFile), deploy.sinkConfig);
  const sinkInput = readYaml(sinkFile);
  return resolveDeployment(deploy, sinkInput, sinkFile);
}

/** Validates a deployment config object with messages `<source>: <path>: <problem> (got <value>)`. */
export function parseDeployConfig(input: unknown, sourceName: string): DeployConfig {
  const result = deployConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error.issues, deployConfigSchema, `${sourceName}: `));
}

/** Cross-checks the deployment config against the sink config. */
export function resolveDeployment(deploy: DeployConfig, sinkInput: unknown, sinkSource: string): Deployment {
  const userSink = parseSinkConfig(sinkInput, sinkSource);
  const sinkTopics = Object.keys(userSink.topics);
  const topics = deploy.eventSource.topics ?? sinkTopics;
  const consumerGroups = resolveConsumerGroups(deploy, topics);
  const problems = [
    ...topics
      .filter((topic) => !sinkTopics.includes(topic))
      .map((topic) => `eventSource.topics: ${showValue(topic)} is not a topic of the sink config (${sinkTopics.join(', ')})`),
    ...consumerGroups.problems,
    ...connectionSecretProblems(deploy, userSink),
    ...checkDevTables(deploy, userSink),
    ...esmSchemaRegistryProblems(deploy.eventSource.schemaRegistry, userSink, topics),
  ];
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `deployment config: ${problem}`));
  const secretArn = deploy.connectionSecret.mode === 'create' ? partialSecretArn(deploy, createdSecretName(deploy)) : undefined;
  const bundled = bundledSinkConfig(sinkInput, userSink, secretArn);
  // Parsed again so that permissions follow what the function will read, created secret included.
  const sink = parseSinkConfig(bundled, sinkSource);
  const placeholders = placeholderSecretProblems(sink);
  if (placeholders.length > 0) throw new ConfigError(placeholders.map((problem) => `${sinkSource}: ${problem}`));
  return { deploy, sink, topics, consumerGroups: consumerGroups.groups, bundledSinkConfig: bundled };
}

/**
 * The ARN of a secret created by the stack, without the random suffix Secrets
 * Manager appends: known at synth, so it can be bundled in the sink config, and
 * accepted by GetSecretValue as long as the name does not end like a suffix.
 */
export function partialSecretArn(deploy: DeployConfig, name: string): string {
  const { region, account } = deploy.env;
  return `arn:${partitionOf(region)}:secretsmanager:${region}:${account}:secret:${name}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`, { cause: error });
  }
}
