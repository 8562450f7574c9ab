/**
 * Everything `npm start` prepares on this machine before the sink runs: the
 * local services, the CQL schema, the Kafka topics, the dead-letter and
 * on-failure queues and the Cassandra credentials secret in the AWS emulator.
 * Every step is idempotent: a second start reuses what the first created.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateSecretCommand, DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import cassandra from 'cassandra-driver';
import { parse as parseYaml } from 'yaml';
import { writeRuntimeEnvironment } from '../../lambdas/contract/runtime-env.js';
import { loadSinkConfig } from '../../lambdas/core/config/load.js';
import { isPlaceholderSecretArn } from '../../lambdas/core/config/placeholders.js';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';
import { endpoints, ensureServices, localCassandraCredentials } from '../services/index.js';
import { repoRoot } from '../services/paths.js';
import { ensureTopic } from '../../lambdas/adapters/kafka/index.js';

export const EXAMPLE_CONFIG = path.join(repoRoot, 'config', 'example.sink.yaml');
export const EXAMPLE_SCHEMA = path.join(repoRoot, 'config', 'example.schema.cql');

/** Names of what the local runner creates in the emulator. */
export const LOCAL_NAMES = {
  dlq: 'kafka-cql-sink-local-dlq',
  onFailure: 'kafka-cql-sink-local-on-failure',
  secret: 'kafka-cql-sink/local-cassandra',
  groupId: 'kafka-cql-sink-local',
} as const;

/** The AWS SDK settings that send every call to the emulator (the SDK reads them from the environment). */
export const localAwsEnvironment = {
  AWS_ENDPOINT_URL: endpoints.aws,
  AWS_REGION: endpoints.awsRegion,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
} as const;

/** Points this process's AWS SDK clients at the emulator (unless AWS_ENDPOINT_URL is already set). */
export function useLocalAws(): void {
  for (const [name, value] of Object.entries(localAwsEnvironment)) {
    if (name === 'AWS_ENDPOINT_URL' || process.env[name] === undefined || process.env[name] === '') process.env[name] = value;
  }
}

/** Splits a CQL script into statements: `;` at the end of a line ends one; `--` and `//` comment lines are dropped. */
export function splitCqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of script.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('--') || trimmed.startsWith('//')) continue;
    current.push(line);
    if (trimmed.endsWith(';')) {
      statements.push(current.join('\n').trim().replace(/;$/, ''));
      current = [];
    }
  }
  if (current.length > 0) statements.push(current.join('\n').trim());
  return statements.filter((s) => s !== '');
}

/** Runs a CQL script (CREATE … IF NOT EXISTS statements) against the local Cassandra. */
export async function applyCqlScript(file: string, log: (line: string) => void = () => undefined): Promise<number> {
  const statements = splitCqlStatements(readFileSync(file, 'utf8'));
  const client = new cassandra.Client({
    contactPoints: [endpoints.cassandra],
    localDataCenter: endpoints.cassandraLocalDataCenter,
    credentials: localCassandraCredentials,
  });
  try {
    await client.connect();
    for (const statement of statements) {
      await client.execute(statement);
    }
    log(`schema: ${String(statements.length)} statements of ${path.relative(process.cwd(), file) || file} applied`);
    return statements.length;
  } finally {
    await client.shutdown();
  }
}

export async function ensureQueue(name: string): Promise<string> {
  const sqs = new SQSClient({});
  try {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (created.QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    return created.QueueUrl;
  } finally {
    sqs.destroy();
  }
}

/** Creates (or updates) a JSON secret and returns its ARN. */
export async function ensureSecret(name: string, value: Record<string, string>): Promise<string> {
  const sm = new SecretsManagerClient({});
  try {
    try {
      const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
      if (created.ARN !== undefined) return created.ARN;
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ResourceExistsException') throw error;
      await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }));
    }
    const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    if (described.ARN === undefined) throw new Error(`secret ${name} has no ARN`);
    return described.ARN;
  } finally {
    sm.destroy();
  }
}

export interface LocalSetupOptions {
  /** Sink config file; default config/example.sink.yaml. */
  readonly configFile?: string;
  /** CQL script to apply first; default config/example.schema.cql for the example config, none otherwise. */
  readonly schemaFile?: string | null;
  /** Partitions of topics that do not exist yet. Default 3. */
  readonly partitions?: number;
  /** Start services that are not running (default true). */
  readonly startServices?: boolean;
  readonly dlqName?: string;
  readonly onFailureName?: string;
  readonly log?: (line: string) => void;
}

export interface LocalSetup {
  /** The environment createSinkRuntime reads: SINK_CONFIG (the config with local credentials), DLQ_URL, AWS settings. */
  readonly env: Record<string, string>;
  readonly config: SinkConfig;
  readonly configFile: string;
  readonly topics: readonly string[];
  readonly bootstrapServers: readonly string[];
  readonly dlqUrl: string;
  readonly onFailureUrl: string;
  readonly secretArn: string;
}

/** The run config for the local services, and a line for every change made to the file's connection. */
export interface LocalConfig {
  readonly config: Record<string, unknown>;
  readonly notes: readonly string[];
}

const LOOPBACK = /^(127\.|localhost\b|\[?::1\]?)/;

/**
 * Derives the run config from a config file for the local services: a
 * `cassandra` connection goes to the local Cassandra (contact points, data
 * center, plaintext) with the local credentials secret (user cassandra), so
 * the same file — a converted connector config with its placeholder secret
 * included — runs as it is. Every change is stated in a note, never made
 * silently.
 */
export function deriveLocalConfig(text: string, secretArn: string): LocalConfig {
  const raw = parseYaml(text) as unknown;
  if (typeof raw !== 'object' || raw === null) return { config: {}, notes: [] };
  const config = raw as Record<string, unknown>;
  const connection = config.connection;
  if (typeof connection !== 'object' || connection === null) return { config, notes: [] };
  const c = { ...(connection as Record<string, unknown>) };
  if (c.profile !== 'cassandra')
    return {
      config,
      notes: [`--local: the ${String(c.profile)} profile is used as written (only a cassandra connection runs on the local services)`],
    };
  const notes: string[] = [];
  const points = Array.isArray(c.contactPoints) ? c.contactPoints.map(String) : [];
  const port = typeof c.port === 'number' ? c.port : 9042;
  const given = points.map((point) => (/:\d+$/.test(point) ? point : `${point}:${String(port)}`));
  if (given.length !== 1 || given[0] !== endpoints.cassandra) {
    const why = points.every((point) => LOOPBACK.test(point))
      ? 'the local Cassandra (CASSANDRA_PORT)'
      : 'the local Cassandra, not the cluster of the file';
    notes.push(`--local: contact points ${given.join(', ') || '(none)'} → ${endpoints.cassandra}, ${why}`);
  }
  c.contactPoints = [endpoints.cassandra];
  delete c.port;
  if (c.localDataCenter !== endpoints.cassandraLocalDataCenter) {
    notes.push(
      `--local: localDataCenter ${JSON.stringify(c.localDataCenter)} → ${endpoints.cassandraLocalDataCenter}, the local Cassandra's`,
    );
    c.localDataCenter = endpoints.cassandraLocalDataCenter;
  }
  if (c.tls !== undefined) {
    notes.push('--local: tls left out, the local Cassandra is plaintext');
    delete c.tls;
  }
  const credentials = c.credentialsSecretArn;
  if (credentials !== secretArn) {
    const what =
      typeof credentials !== 'string'
        ? 'none in the file'
        : isPlaceholderSecretArn(credentials)
          ? `the placeholder ${credentials}`
          : credentials;
    notes.push(
      `--local: credentialsSecretArn (${what}) → the local secret ${LOCAL_NAMES.secret} (user ${localCassandraCredentials.username})`,
    );
    c.credentialsSecretArn = secretArn;
  }
  return { config: { ...config, connection: c }, notes };
}

export async function prepareLocal(options: LocalSetupOptions = {}): Promise<LocalSetup> {
  const log = options.log ?? (() => undefined);
  const configFile = path.resolve(options.configFile ?? EXAMPLE_CONFIG);
  const text = readFileSync(configFile, 'utf8');
  // Validate the file itself first, so problems name the file.
  const config = loadSinkConfig(text, path.relative(process.cwd(), configFile) || configFile);
  if (options.startServices ?? true) await ensureServices(log);
  useLocalAws();

  const schemaFile = options.schemaFile === undefined ? (configFile === EXAMPLE_CONFIG ? EXAMPLE_SCHEMA : null) : options.schemaFile;
  if (schemaFile !== null) await applyCqlScript(path.resolve(schemaFile), log);

  const bootstrapServers = [endpoints.kafka];
  const topics = Object.keys(config.topics);
  for (const topic of topics) {
    const created = await ensureTopic(bootstrapServers, topic, options.partitions ?? 3);
    log(`topic ${topic}: ${created ? `created with ${String(options.partitions ?? 3)} partitions` : 'exists'}`);
  }
  const dlqUrl = await ensureQueue(options.dlqName ?? LOCAL_NAMES.dlq);
  const onFailureUrl = await ensureQueue(options.onFailureName ?? LOCAL_NAMES.onFailure);
  const secretArn = await ensureSecret(LOCAL_NAMES.secret, {
    username: localCassandraCredentials.username,
    password: localCassandraCredentials.password,
  });
  log(`dead-letter queue ${dlqUrl}; on-failure queue ${onFailureUrl}; credentials secret ${LOCAL_NAMES.secret}`);

  const local = deriveLocalConfig(text, secretArn);
  if (configFile !== EXAMPLE_CONFIG) for (const note of local.notes) log(note);
  const env: Record<string, string> = {
    ...localAwsEnvironment,
    ...writeRuntimeEnvironment({ sinkConfig: JSON.stringify(local.config), dlqUrl, functionName: 'kafka-cql-sink-local' }),
  };
  return { env, config, configFile, topics, bootstrapServers, dlqUrl, onFailureUrl, secretArn };
}
