/**
 * Benchmark fixtures on the local services: the Cassandra schema, Kafka
 * topics filled with orders, the credentials secret and the dead-letter
 * queue in the AWS emulator, and the sink config that ties them together.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Admin, Producer } from '@platformatic/kafka';
import cassandra from 'cassandra-driver';
import { localAwsClientConfig as awsClientConfig } from '../../local/services/fixtures.js';
import { endpoints, localCassandraClient as cassandraClient, localCassandraCredentials } from '../../local/services/index.js';
import { RuntimeVariable } from '../../lambdas/contract/runtime-env.js';
import type { SinkConfigInput } from '../../lambdas/core/config/schema.js';
import { ORDER_MAPPING, schemaCql } from './records.js';

export const KEYSPACE = 'bench';
export const CONCURRENCY = 64;

/** The emulator's client settings, shared with the soak run and the tests. */
export { awsClientConfig };

/** The AWS SDK's default chains (used by the runtime) read these. */
export function useEmulatorEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_ENDPOINT_URL = endpoints.aws;
  env.AWS_REGION = endpoints.awsRegion;
  env.AWS_ACCESS_KEY_ID = 'testing';
  env.AWS_SECRET_ACCESS_KEY = 'testing';
  // One JSON log line per batch is what production writes; keep warnings and errors only so the bench measures the sink.
  env[RuntimeVariable.logLevel] = 'WARN';
  env[RuntimeVariable.metricsDisabled] = 'true';
  env[RuntimeVariable.powertoolsDev] ??= 'false';
}

export async function createSchema(client: cassandra.Client): Promise<void> {
  for (const cql of schemaCql(KEYSPACE)) await client.execute(cql);
}

export async function truncate(client: cassandra.Client): Promise<void> {
  await client.execute(`TRUNCATE ${KEYSPACE}.orders`);
}

export async function countRows(client: cassandra.Client): Promise<number> {
  const result = await client.execute(`SELECT COUNT(*) FROM ${KEYSPACE}.orders`, [], { readTimeout: 120_000 });
  return Number(result.first().get(0));
}

export interface AwsFixtures {
  readonly secretArn: string;
  readonly dlqUrl: string;
}

export async function createAwsFixtures(runId: string): Promise<AwsFixtures> {
  const sm = new SecretsManagerClient(awsClientConfig);
  const sqs = new SQSClient(awsClientConfig);
  try {
    const secret = await sm.send(
      new CreateSecretCommand({ Name: `bench-cassandra-${runId}`, SecretString: JSON.stringify(localCassandraCredentials) }),
    );
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `bench-dlq-${runId}` }));
    if (secret.ARN === undefined || queue.QueueUrl === undefined) throw new Error('the emulator returned no secret ARN or queue URL');
    return { secretArn: secret.ARN, dlqUrl: queue.QueueUrl };
  } finally {
    sm.destroy();
    sqs.destroy();
  }
}

/** The sink config of the bench: one JSON topic and one Avro topic, both into bench.orders. */
export function sinkConfig(
  secretArn: string,
  topics: { json: string; avro?: string; protobuf?: string; registryUrl?: string },
): SinkConfigInput {
  const table = { [`${KEYSPACE}.orders`]: { mapping: ORDER_MAPPING } };
  const codec = { timeZone: 'UTC', timestamp: 'ISO_INSTANT' };
  return {
    connection: {
      profile: 'cassandra',
      contactPoints: [endpoints.cassandra],
      localDataCenter: endpoints.cassandraLocalDataCenter,
      credentialsSecretArn: secretArn,
    },
    writer: { maxConcurrentRequests: CONCURRENCY },
    topics: {
      [topics.json]: { keyFormat: 'string', valueFormat: 'json', codec, tables: table },
      ...(topics.avro === undefined || topics.registryUrl === undefined
        ? {}
        : {
            [topics.avro]: { keyFormat: 'string', valueFormat: 'avro', schemaRegistry: { url: topics.registryUrl }, codec, tables: table },
          }),
      ...(topics.protobuf === undefined || topics.registryUrl === undefined
        ? {}
        : {
            [topics.protobuf]: {
              keyFormat: 'string',
              valueFormat: 'protobuf',
              schemaRegistry: { url: topics.registryUrl },
              codec,
              tables: table,
            },
          }),
    },
  };
}

export interface KafkaMessage {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly timestamp: number;
}

export async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [endpoints.kafka] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metadata = await admin.metadata({ topics: [topic] });
      const described = metadata.topics.get(topic);
      if (described?.partitionsCount === partitions && described.partitions.every((p) => p.leader >= 0)) break;
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.close();
  }
}

export async function deleteTopics(topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [endpoints.kafka] });
  try {
    await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  } finally {
    await admin.close();
  }
}

/** Produces the messages round-robin over the partitions, in chunks. */
export async function produce(topic: string, partitions: number, messages: readonly KafkaMessage[]): Promise<void> {
  const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: [endpoints.kafka], idempotent: true });
  try {
    const chunk = 2000;
    for (let start = 0; start < messages.length; start += chunk) {
      await producer.send({
        messages: messages.slice(start, start + chunk).map((message, i) => ({
          topic,
          partition: (start + i) % partitions,
          key: message.key,
          value: message.value,
          timestamp: BigInt(message.timestamp),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

export { cassandraClient };
