import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { loadSinkConfig } from '../core/config/load.js';
import { placeholderSecretProblems } from '../core/config/placeholders.js';
import type { SinkConfig } from '../core/config/schema.js';
import type { DeadLetterSink } from '../core/dead-letter.js';
import type { CqlSession } from '../core/cql/session.js';
import { ConfigError } from '../core/errors.js';
import { createBatchRunner, type FinalOutcome, type RetryPolicy, type RunOptions } from '../core/sink/batch-runner.js';
import { createBrake } from '../core/sink/brake.js';
import { createRefreshingEngine, type SinkEngine } from '../core/sink/engine.js';
import type { KafkaRecord } from '../core/event/record.js';
import { connectCassandra, type CassandraClientOverrides } from './cassandra-client.js';
import { checkCreatedSecret, withCreatedSecretHint } from './created-secret.js';
import { createCassandraSession } from './cassandra-session.js';
import { HttpSchemaRegistry } from './schema-registry.js';
import { glueRegistriesFor } from './glue-registries.js';
import { SecretsManagerSource, type SecretSource } from './secrets.js';
import { SqsDeadLetterSink } from './sqs-dead-letter.js';

/**
 * Everything one container needs, built once during init: the validated
 * config, the connected Cassandra client, the engine with its prepared
 * statements, the dead-letter queue, and the batch runner tying them together.
 */
export interface SinkRuntime {
  readonly config: SinkConfig;
  readonly engine: SinkEngine;
  readonly secrets: SecretSource;
  readonly s3: S3Client;
  /** Runs a batch to final outcomes, dead-lettering poison records to the queue. */
  readonly run: BatchRun;
  /** The same with another dead-letter sink and attempt numbers (replay of dead letters). */
  readonly runner: (options: { deadLetters: DeadLetterSink; attemptOf?: (record: KafkaRecord) => number }) => BatchRun;
  close(): Promise<void>;
}

export type BatchRun = (records: readonly KafkaRecord[], options: RunOptions) => Promise<FinalOutcome[]>;

/**
 * The environment the functions read. The CDK stack sets these; the local
 * runner sets them for its own services.
 *  - SINK_CONFIG_FILE  path of the bundled sink config (YAML or JSON), or
 *  - SINK_CONFIG       the sink config as inline JSON
 *  - DLQ_URL           dead-letter queue URL
 *  - DLQ_OVERFLOW_BUCKET  S3 bucket for dead letters too large for SQS (optional)
 *  - DLQ_MAX_MESSAGE_BYTES  the queue's MaximumMessageSize (default 262144)
 *  - CREATED_CONNECTION_SECRET_ARN  the credentials secret the stack created with a placeholder (optional)
 *  - AWS_ENDPOINT_URL  (AWS SDK) send every AWS call to an emulator
 */
export type SinkEnvironment = Readonly<Record<string, string | undefined>>;

export function loadConfigFromEnvironment(env: SinkEnvironment): SinkConfig {
  const file = env.SINK_CONFIG_FILE;
  const inline = env.SINK_CONFIG;
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`SINK_CONFIG_FILE: cannot read ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return loadSinkConfig(text, file);
  }
  if (inline !== undefined && inline !== '') return loadSinkConfig(inline, 'SINK_CONFIG');
  throw new ConfigError('no sink config: set SINK_CONFIG_FILE to the bundled config file, or SINK_CONFIG to the config as JSON');
}

function required(env: SinkEnvironment, name: string, why: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${name} is not set: it must name ${why}`);
  return value;
}

/** AWS SDK client settings; an emulator endpoint (AWS_ENDPOINT_URL) also needs path-style S3 URLs. */
export function awsClientConfig(env: SinkEnvironment): { region?: string; forcePathStyle?: boolean } {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    ...(region === undefined ? {} : { region }),
    ...(env.AWS_ENDPOINT_URL === undefined ? {} : { forcePathStyle: true }),
  };
}

export interface SinkRuntimeOptions {
  /** Dead letters go here instead of the SQS queue named by DLQ_URL (the replay function rejects them back to its queue). */
  readonly deadLetters?: DeadLetterSink;
  readonly retry?: RetryPolicy;
  readonly attemptOf?: (record: KafkaRecord) => number;
  readonly cassandra?: CassandraClientOverrides;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Wraps the Cassandra session (check --sample: prepare for real, write nothing). */
  readonly wrapSession?: (session: CqlSession) => CqlSession;
  /** @default Secrets Manager */
  readonly secrets?: SecretSource;
}

export async function createSinkRuntime(env: SinkEnvironment, options: SinkRuntimeOptions = {}): Promise<SinkRuntime> {
  const config = loadConfigFromEnvironment(env);
  // A placeholder would only fail later as a missing secret; say what it is before connecting.
  const placeholders = placeholderSecretProblems(config);
  if (placeholders.length > 0) throw new ConfigError(placeholders);
  const aws = awsClientConfig(env);
  const secrets = options.secrets ?? new SecretsManagerSource({ client: new SecretsManagerClient(aws) });
  const s3 = new S3Client(aws);
  const deadLetters =
    options.deadLetters ??
    new SqsDeadLetterSink({
      sqs: new SQSClient(aws),
      queueUrl: required(env, 'DLQ_URL', 'the dead-letter queue URL'),
      ...(env.DLQ_OVERFLOW_BUCKET === undefined || env.DLQ_OVERFLOW_BUCKET === '' ? {} : { overflow: { s3, bucket: env.DLQ_OVERFLOW_BUCKET } }),
      ...(env.DLQ_MAX_MESSAGE_BYTES === undefined ? {} : { maxMessageBytes: Number(env.DLQ_MAX_MESSAGE_BYTES) }),
      origin: { functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'kafka-cql-sink', functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST' },
    });

  // Before anything else: a created secret still holding its placeholder stops the init with a ConfigError naming it.
  const createdSecretArn = env.CREATED_CONNECTION_SECRET_ARN;
  await checkCreatedSecret(config.connection, createdSecretArn, secrets);
  let client: cassandra.Client;
  try {
    client = await connectCassandra(config.connection, { secrets, s3, ...(options.log === undefined ? {} : { log: options.log }) }, options.cassandra);
  } catch (error) {
    throw withCreatedSecretHint(error, createdSecretArn);
  }
  try {
    const registries = new Map<string, HttpSchemaRegistry>();
    for (const [topic, settings] of Object.entries(config.topics)) {
      const registry = settings.schemaRegistry;
      if (registry === undefined) continue;
      const basicAuth = registry.basicAuthSecretArn === undefined ? undefined : await secrets.getUsernamePassword(registry.basicAuthSecretArn);
      registries.set(topic, new HttpSchemaRegistry({ url: registry.url, ...(basicAuth === undefined ? {} : { basicAuth }) }));
    }
    const schemaRegistry = (topic: string): HttpSchemaRegistry | undefined => registries.get(topic);
    const session = createCassandraSession(client);
    const glueRegistry = glueRegistriesFor(config, aws);
    const engine = await createRefreshingEngine({ config, session: options.wrapSession?.(session) ?? session, schemaRegistry, glueRegistry });
    // One brake per container, shared by every runner: it remembers recent systemic failures across batches.
    const brake = createBrake({ settings: config.brake, tablesOf: (topic) => Object.keys(config.topics[topic]?.tables ?? {}) });
    const runner = (overrides: { deadLetters: DeadLetterSink; attemptOf?: (record: KafkaRecord) => number }): BatchRun =>
      createBatchRunner({
        engine,
        brake,
        holdMs: config.brake.holdSeconds * 1000,
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.attemptOf === undefined ? {} : { attemptOf: options.attemptOf }),
        ...overrides,
      });
    return { config, engine, secrets, s3, run: runner({ deadLetters }), runner, close: () => client.shutdown() };
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    throw error;
  }
}
