import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { readRuntimeEnvironment, RuntimeVariable, type RawEnvironment } from '../contract/runtime-env.js';
import { loadSinkConfig } from '../core/config/load.js';
import { placeholderSecretProblems } from '../core/config/placeholders.js';
import type { SinkConfig } from '../core/config/schema.js';
import type { DeadLetterSink } from '../core/dead-letter.js';
import type { CqlSession } from '../core/cql/session.js';
import { ConfigError } from '../core/errors.js';
import { createBatchRunner, type RetryPolicy, type RunOptions } from '../core/batch/batch-runner.js';
import type { RecordOutcome } from '../core/outcome.js';
import { createBrake } from '../core/batch/brake.js';
import { createRefreshingEngine, type SinkEngine } from '../core/batch/engine.js';
import type { KafkaRecord } from '../core/event/record.js';
import { connectCassandra, type CassandraClientOverrides } from '../adapters/cassandra-client.js';
import { checkCreatedSecret, withCreatedSecretHint } from '../adapters/created-secret.js';
import { createCassandraSession } from '../adapters/cassandra-session.js';
import { HttpSchemaRegistry } from '../adapters/schema-registry.js';
import { glueRegistriesFor } from '../adapters/glue-registries.js';
import { SecretsManagerSource, type SecretSource } from '../adapters/secrets.js';
import { SqsDeadLetterSink } from '../adapters/sqs-dead-letter.js';

/**
 * The composition root of the functions: where the core meets its adapters.
 *
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

export type BatchRun = (records: readonly KafkaRecord[], options: RunOptions) => Promise<RecordOutcome[]>;

/**
 * The environment the functions read: the runtime contract
 * (lambdas/contract/runtime-env.ts). The CDK stack sets it; the local runner
 * sets it for its own services.
 */
export type SinkEnvironment = RawEnvironment;

export function loadConfigFromEnvironment(env: SinkEnvironment): SinkConfig {
  const { sinkConfigFile: file, sinkConfig: inline } = readRuntimeEnvironment(env);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `${RuntimeVariable.sinkConfigFile}: cannot read ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return loadSinkConfig(text, file);
  }
  if (inline !== undefined) return loadSinkConfig(inline, RuntimeVariable.sinkConfig);
  throw new ConfigError(
    `no sink config: set ${RuntimeVariable.sinkConfigFile} to the bundled config file, or ${RuntimeVariable.sinkConfig} to the config as JSON`,
  );
}

function required(value: string | undefined, name: string, why: string): string {
  if (value === undefined) throw new ConfigError(`${name} is not set: it must name ${why}`);
  return value;
}

/** AWS SDK client settings; an emulator endpoint (AWS_ENDPOINT_URL) also needs path-style S3 URLs. */
export function awsClientConfig(env: SinkEnvironment): { region?: string; forcePathStyle?: boolean } {
  const { region, awsEndpointUrl } = readRuntimeEnvironment(env);
  return {
    ...(region === undefined ? {} : { region }),
    ...(awsEndpointUrl === undefined ? {} : { forcePathStyle: true }),
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
  const runtimeEnv = readRuntimeEnvironment(env);
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
      queueUrl: required(runtimeEnv.dlqUrl, RuntimeVariable.dlqUrl, 'the dead-letter queue URL'),
      ...(runtimeEnv.dlqOverflowBucket === undefined ? {} : { overflow: { s3, bucket: runtimeEnv.dlqOverflowBucket } }),
      ...(runtimeEnv.dlqMaxMessageBytes === undefined ? {} : { maxMessageBytes: runtimeEnv.dlqMaxMessageBytes }),
      origin: { functionName: runtimeEnv.functionName, functionVersion: runtimeEnv.functionVersion },
    });

  // Before anything else: a created secret still holding its placeholder stops the init with a ConfigError naming it.
  const createdSecretArn = runtimeEnv.createdConnectionSecretArn;
  await checkCreatedSecret(config.connection, createdSecretArn, secrets);
  let client: cassandra.Client;
  try {
    client = await connectCassandra(
      config.connection,
      { secrets, s3, ...(options.log === undefined ? {} : { log: options.log }) },
      options.cassandra,
    );
  } catch (error) {
    throw withCreatedSecretHint(error, createdSecretArn);
  }
  try {
    const registries = new Map<string, HttpSchemaRegistry>();
    for (const [topic, settings] of Object.entries(config.topics)) {
      const registry = settings.schemaRegistry;
      if (registry === undefined) continue;
      const basicAuth =
        registry.basicAuthSecretArn === undefined ? undefined : await secrets.getUsernamePassword(registry.basicAuthSecretArn);
      registries.set(topic, new HttpSchemaRegistry({ url: registry.url, ...(basicAuth === undefined ? {} : { basicAuth }) }));
    }
    const schemaRegistry = (topic: string): HttpSchemaRegistry | undefined => registries.get(topic);
    const session = createCassandraSession(client);
    const glueRegistry = glueRegistriesFor(config, aws);
    const engine = await createRefreshingEngine({
      config,
      session: options.wrapSession?.(session) ?? session,
      schemaRegistry,
      glueRegistry,
    });
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
