/**
 * Where the commands that talk to a cluster (run, check, replay) get their
 * sink environment: the local services (`--local`, or run with no config at
 * all), or whatever the flags and the environment say (real AWS, any Kafka,
 * any Cassandra, Astra or Keyspaces).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RuntimeVariable } from '../../lambdas/contract/runtime-env.js';
import { loadSinkConfig } from '../../lambdas/core/config/load.js';
import { placeholderSecretProblems } from '../../lambdas/core/config/placeholders.js';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';
import { ConfigError } from '../../lambdas/core/errors.js';
import { localCassandraCredentials } from '../services/index.js';
import { deriveLocalConfig, ensureSecret, LOCAL_NAMES, localAwsEnvironment, useLocalAws } from '../runner/local-setup.js';
import { UsageError } from './command.js';

export interface SinkTarget {
  readonly env: Record<string, string | undefined>;
  readonly config: SinkConfig;
  readonly configName: string;
  /** With --local: each change made to the file's connection, to print. */
  readonly notes: readonly string[];
}

/** Reads and validates the config file (throws a ConfigError listing every problem). */
export function readConfigFile(file: string): { text: string; config: SinkConfig; name: string } {
  const name = path.relative(process.cwd(), path.resolve(file)) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config file ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { text, config: loadSinkConfig(text, name), name };
}

/**
 * The environment createSinkRuntime reads. With `local`, AWS calls go to the
 * emulator and a cassandra connection without credentials gets the local
 * credentials secret; otherwise the process environment is used as it is
 * (AWS_ENDPOINT_URL unset means real AWS).
 */
export async function sinkTarget(configFile: string, local: boolean, extra: Record<string, string | undefined> = {}): Promise<SinkTarget> {
  const { text, config, name } = readConfigFile(configFile);
  if (!local) {
    const placeholders = placeholderSecretProblems(config);
    if (placeholders.length > 0) throw new ConfigError(placeholders.map((problem) => `${name}: ${problem}`));
    return {
      env: { ...process.env, [RuntimeVariable.sinkConfigFile]: configFile, [RuntimeVariable.sinkConfig]: undefined, ...extra },
      config,
      configName: name,
      notes: [],
    };
  }
  useLocalAws();
  const secretArn = await ensureSecret(LOCAL_NAMES.secret, { ...localCassandraCredentials });
  const derived = deriveLocalConfig(text, secretArn);
  return {
    env: {
      ...process.env,
      ...localAwsEnvironment,
      [RuntimeVariable.sinkConfigFile]: undefined,
      [RuntimeVariable.sinkConfig]: JSON.stringify(derived.config),
      ...extra,
    },
    config,
    configName: name,
    notes: derived.notes,
  };
}
