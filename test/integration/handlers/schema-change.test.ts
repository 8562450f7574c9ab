import { Admin, Producer } from '@platformatic/kafka';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitServers } from '../../../lambdas/adapters/kafka/index.js';
import { startSink, type RunningSink } from '../../../local/runner/run.js';
import { captureOutput } from '../../support/capture-output.js';
import {
  endpoints,
  localAwsClientConfig,
  localCassandraClient,
  localCassandraCredentials,
  uniqueName,
  until,
} from '../../support/services.js';
import { localSinkConfig } from '../../kit/index.js';
import { createQueue, createSecret, deleteQueue, deleteSecrets, receiveAll, uniqueTopic, useEmulatorEnvironment } from './support.js';

/**
 * Schema changes under a running sink (local poller → real handler →
 * Cassandra), without a restart: a column added changes nothing; a mapped
 * column dropped halts (nothing dead-lettered) with an error naming the
 * mapping and the column, and writes resume once it is back; a table
 * re-created with the same schema is written again.
 */
useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const bootstrapBrokers = splitServers(endpoints.kafka);
const admin = new Admin({ clientId: 'kcs-it-schema-admin', bootstrapBrokers });
const producer = new Producer({ clientId: 'kcs-it-schema-producer', bootstrapBrokers });
const keyspace = uniqueName('schemait');
const secrets: string[] = [];
const topics: string[] = [];
const queues: string[] = [];
const sinks: RunningSink[] = [];
let cql: cassandra.Client;
let secretArn = '';

const MAPPING = 'id=value.id, qty=value.qty, label=value.label';

async function produce(topic: string, from: number, count: number, timestamp: (i: number) => number): Promise<void> {
  await producer.send({
    messages: Array.from({ length: count }, (_, k) => {
      const i = from + k;
      return {
        topic,
        partition: 0,
        key: Buffer.from(`o-${i}`),
        value: Buffer.from(JSON.stringify({ id: `o-${i}`, qty: i, label: `L-${i}` })),
        timestamp: BigInt(timestamp(i)),
      };
    }),
  });
}

async function committed(groupId: string, topic: string): Promise<bigint> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  return group?.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === 0)?.committedOffset ?? -1n;
}

async function start(table: string, topic: string, groupId: string, dlqUrl: string): Promise<RunningSink> {
  const config = localSinkConfig({
    credentialsSecretArn: secretArn,
    brake: { holdSeconds: 0 },
    topics: { [topic]: { tables: { [table]: { mapping: MAPPING } } } },
  });
  const running = await startSink({
    env: { SINK_CONFIG: JSON.stringify(config), DLQ_URL: dlqUrl, AWS_REGION: process.env.AWS_REGION },
    bootstrapServers: bootstrapBrokers,
    groupId,
    poller: {
      batchSize: 50,
      maximumBatchingWindowMs: 100,
      maximumRetryAttempts: 10_000,
      retryBackoff: { initialMs: 100, maxMs: 400 },
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 6000,
      timeoutMs: 30_000,
    },
    warn: () => undefined,
  });
  sinks.push(running);
  return running;
}

async function row(table: string, i: number): Promise<{ qty: unknown; label: unknown; wq: string } | undefined> {
  const rs = await cql.execute(`SELECT qty, label, WRITETIME(qty) AS wq FROM ${table} WHERE id = ?`, [`o-${i}`], { prepare: true });
  const found = rs.first() as cassandra.types.Row | null;
  return found === null ? undefined : { qty: found.get('qty'), label: found.get('label'), wq: String(found.get('wq')) };
}

beforeAll(async () => {
  cql = localCassandraClient();
  await cql.connect();
  await cql.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  secretArn = await createSecret(sm, localCassandraCredentials, secrets);
});

afterAll(async () => {
  await Promise.allSettled(sinks.map((s) => s.stop()));
  await cql.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await cql.shutdown();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await producer.close();
  await admin.close();
  for (const queue of queues) await deleteQueue(sqs, queue);
  await deleteSecrets(sm, secrets);
  sqs.destroy();
  sm.destroy();
});

describe('schema changes while the sink runs', () => {
  it('a column added changes nothing; a mapped column dropped halts with an error naming the mapping and the column; re-added, writes resume', async () => {
    const table = `${keyspace}.orders`;
    const topic = uniqueTopic('schema');
    topics.push(topic);
    await cql.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, qty int, label text)`);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const dlqUrl = await createQueue(sqs, 'kcs-it-schema-dlq');
    queues.push(dlqUrl);
    const groupId = uniqueName('schema-group');
    const base = Date.now() - 600_000;
    const sink = await start(table, topic, groupId, dlqUrl);

    await produce(topic, 0, 100, (i) => base + i);
    await until('the first 100 written', async () => (await committed(groupId, topic)) === 100n, 60_000);
    // A column the mapping does not know: nothing to do.
    await cql.execute(`ALTER TABLE ${table} ADD extra text`);
    await produce(topic, 100, 100, (i) => base + i);
    await until('written after a column was added', async () => (await committed(groupId, topic)) === 200n, 60_000);

    await cql.execute(`ALTER TABLE ${table} DROP label`);
    const droppedAt = Date.now();
    // Records older than the drop (a backlog) and newer ones.
    await produce(topic, 200, 50, (i) => droppedAt - 60_000 + i);
    await produce(topic, 250, 50, (i) => droppedAt + 1_000 + i);
    const halted = await captureOutput(async () => {
      const before = sink.poller.stats().partialFailures;
      await until('halted invocations', () => sink.poller.stats().partialFailures >= before + 4, 60_000);
    });
    expect(halted.error).toBeUndefined();
    expect(await committed(groupId, topic)).toBe(200n);
    expect(sink.counts.deadLettered).toBe(0);
    const line = halted.lines.find((l) => l.includes('sink halted'));
    expect(line).toBeDefined();
    const fields = JSON.parse(line ?? '{}') as { table: string; column: string; error: { message: string } };
    expect(fields).toMatchObject({ table, column: 'label' });
    expect(fields.error.message).toContain(`topics.${topic}.tables.${table}`);
    expect(fields.error.message).toMatch(/label/);

    await cql.execute(`ALTER TABLE ${table} ADD label text`);
    await until('writes resumed after the column came back', async () => (await committed(groupId, topic)) === 300n, 60_000);
    expect(sink.counts.deadLettered).toBe(0);
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 1_000 })).toHaveLength(0);
    // Newer than the drop: every value back, with the record's write time.
    for (const i of [250, 275, 299])
      expect(await row(table, i)).toEqual({ qty: i, label: `L-${i}`, wq: String(BigInt(droppedAt + 1_000 + i) * 1000n) });
    // Older than the drop: written (qty), but Cassandra hides cells of a re-added column older than its drop (see README).
    for (const i of [200, 249])
      expect(await row(table, i)).toEqual({ qty: i, label: null, wq: String(BigInt(droppedAt - 60_000 + i) * 1000n) });
  }, 240_000);

  it('a table dropped and re-created with the same schema is written again, nothing dead-lettered', async () => {
    const table = `${keyspace}.recreated`;
    const topic = uniqueTopic('recreate');
    topics.push(topic);
    await cql.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, qty int, label text)`);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const dlqUrl = await createQueue(sqs, 'kcs-it-recreate-dlq');
    queues.push(dlqUrl);
    const groupId = uniqueName('recreate-group');
    const sink = await start(table, topic, groupId, dlqUrl);
    const now = Date.now();

    await produce(topic, 0, 50, (i) => now + i);
    await until('the first 50 written', async () => (await committed(groupId, topic)) === 50n, 60_000);
    await cql.execute(`DROP TABLE ${table}`);
    await cql.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, qty int, label text)`);
    await produce(topic, 50, 50, (i) => now + i);
    await until('written to the re-created table', async () => (await committed(groupId, topic)) === 100n, 60_000);
    expect(sink.counts.deadLettered).toBe(0);
    for (const i of [50, 99]) expect(await row(table, i)).toEqual({ qty: i, label: `L-${i}`, wq: String(BigInt(now + i) * 1000n) });
    expect(await row(table, 0)).toBeUndefined();
  }, 180_000);
});
