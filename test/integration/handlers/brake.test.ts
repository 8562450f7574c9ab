import { Admin, Producer } from '@platformatic/kafka';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaConnectionFromEnvironment, splitServers } from '../../../lambdas/adapters/kafka/index.js';
import { createSinkRuntime, type SinkEnvironment, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import type { SinkConfigInput } from '../../../lambdas/core/config/schema.js';
import { parseDeadLetterEnvelope } from '../../../lambdas/core/dead-letter.js';
import { createReplayFor } from '../../../lambdas/composition/replay.js';
import { createReplayHandler } from '../../../lambdas/replay/create-handler.js';
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
import {
  createQueue,
  createSecret,
  deleteQueue,
  deleteSecrets,
  receiveAll,
  sqsEventOf,
  uniqueTopic,
  useEmulatorEnvironment,
} from './support.js';
import { lambdaContext, localSinkConfig } from '../../kit/index.js';

/**
 * The brake on the real services: the local poller (the event source) invokes
 * the real sink handler. A mapping that writes a text field into an int
 * column fails every record the same way: the sink halts (nothing
 * dead-lettered, the partitions wait, SinkHalted), and after the corrected
 * config is deployed every row is written with its Kafka write time, while
 * the 1-in-50 poison of the same stream is still dead-lettered.
 */
useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const bootstrapBrokers = splitServers(endpoints.kafka);
const admin = new Admin({ clientId: 'kcs-it-brake-admin', bootstrapBrokers });
const producer = new Producer({ clientId: 'kcs-it-brake-producer', bootstrapBrokers });
const keyspace = uniqueName('brakeit');
const table = `${keyspace}.orders`;
const secrets: string[] = [];
const topics: string[] = [];
const queues: string[] = [];
const sinks: RunningSink[] = [];
const runtimes: SinkRuntime[] = [];
let cql: cassandra.Client;
let secretArn = '';

const WRONG = 'id=value.id, qty=value.label, label=value.label';
const RIGHT = 'id=value.id, qty=value.qty, label=value.label';
const isPoison = (i: number): boolean => i % 50 === 25;

interface Sent {
  readonly i: number;
  readonly partition: number;
  readonly timestamp: number;
  readonly value: string;
}

/** `count` records over `partitions` partitions; every 50th is not JSON. Timestamps a minute old, one ms apart. */
async function produce(topic: string, count: number, partitions: number): Promise<Sent[]> {
  const t0 = Date.now() - 60_000;
  const sent = Array.from({ length: count }, (_, i): Sent => ({
    i,
    partition: i % partitions,
    timestamp: t0 + i,
    value: isPoison(i) ? `{not json ${i}` : JSON.stringify({ id: `o-${i}`, qty: i, label: `L-${i}` }),
  }));
  for (let start = 0; start < sent.length; start += 200) {
    await producer.send({
      messages: sent.slice(start, start + 200).map((r) => ({
        topic,
        partition: r.partition,
        key: Buffer.from(`o-${r.i}`),
        value: Buffer.from(r.value),
        timestamp: BigInt(r.timestamp),
      })),
    });
  }
  return sent;
}

function environment(
  topic: string,
  mapping: string,
  dlqUrl: string,
  brake: SinkConfigInput['brake'] = { holdSeconds: 0 },
): SinkEnvironment {
  const config = localSinkConfig({
    credentialsSecretArn: secretArn,
    brake,
    topics: { [topic]: { keyFormat: 'string', valueFormat: 'json', tables: { [table]: { mapping } } } },
  });
  return {
    SINK_CONFIG: JSON.stringify(config),
    DLQ_URL: dlqUrl,
    AWS_REGION: process.env.AWS_REGION,
    AWS_LAMBDA_FUNCTION_NAME: 'kcs-it-brake',
  };
}

async function sink(
  topic: string,
  groupId: string,
  mapping: string,
  dlqUrl: string,
  onFailureQueueUrl: string,
  maximumRetryAttempts = 10_000,
): Promise<RunningSink> {
  const running = await startSink({
    env: environment(topic, mapping, dlqUrl),
    bootstrapServers: bootstrapBrokers,
    groupId,
    onFailureQueueUrl,
    poller: {
      batchSize: 100,
      maximumBatchingWindowMs: 200,
      maximumRetryAttempts,
      bisectBatchOnFunctionError: true,
      retryBackoff: { initialMs: 100, maxMs: 500 },
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

async function committed(groupId: string, topic: string): Promise<bigint[]> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return [...partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => p.committedOffset);
}

/** Every good record's row, read back: its values and the write time of its columns. */
async function readRows(sent: readonly Sent[]): Promise<{ missing: number; wrong: string[] }> {
  const wrong: string[] = [];
  let missing = 0;
  for (const r of sent.filter((s) => !isPoison(s.i))) {
    const rs = await cql.execute(
      `SELECT qty, label, WRITETIME(qty) AS wq, WRITETIME(label) AS wl FROM ${table} WHERE id = ?`,
      [`o-${r.i}`],
      { prepare: true },
    );
    const row = rs.first() as cassandra.types.Row | null;
    if (row === null) {
      missing++;
      continue;
    }
    const micros = String(BigInt(r.timestamp) * 1000n);
    const got = [row.get('qty'), row.get('label'), String(row.get('wq')), String(row.get('wl'))];
    const want = [r.i, `L-${r.i}`, micros, micros];
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`o-${r.i}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  }
  return { missing, wrong };
}

beforeAll(async () => {
  cql = localCassandraClient();
  await cql.connect();
  await cql.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await cql.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, qty int, label text)`);
  secretArn = await createSecret(sm, localCassandraCredentials, secrets);
});

afterAll(async () => {
  await Promise.allSettled(sinks.map((s) => s.stop()));
  for (const runtime of runtimes) await runtime.close();
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

describe('the brake on a systemic failure', () => {
  it('a wrong-type mapping over 1,000 records halts with 0 dead letters; after the fix every row is written with its Kafka write time and the 1-in-50 poison is dead-lettered', async () => {
    const topic = uniqueTopic('brake');
    topics.push(topic);
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    const sent = await produce(topic, 1_000, 2);
    const dlqUrl = await createQueue(sqs, 'kcs-it-brake-dlq');
    const onFailureUrl = await createQueue(sqs, 'kcs-it-brake-onfail');
    queues.push(dlqUrl, onFailureUrl);
    const groupId = uniqueName('brake-group');

    // Halted: every partition is retried from its first record, again and again.
    const halted = await captureOutput(async () => {
      const wrong = await sink(topic, groupId, WRONG, dlqUrl, onFailureUrl);
      await until('eight halted invocations', () => wrong.poller.stats().partialFailures >= 8, 60_000);
      const stats = wrong.poller.stats();
      await wrong.stop();
      return { stats, counts: { ...wrong.counts } };
    });
    if (halted.result === undefined) throw halted.error;
    expect(halted.result.counts.deadLettered).toBe(0);
    expect(halted.result.counts.written).toBe(0);
    expect(halted.result.counts.failed).toBeGreaterThanOrEqual(800);
    expect(halted.result.stats.recordsProcessed).toBe(0);
    expect(halted.result.stats.recordsDiscarded).toBe(0);
    expect((await committed(groupId, topic)).every((offset) => offset <= 0n)).toBe(true);
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 2_000 })).toHaveLength(0);
    expect(await receiveAll(sqs, onFailureUrl, 0, { timeoutMs: 1_000 })).toHaveLength(0);

    // One line per halted batch says why, with the table, the column and an example record; the metric is emitted.
    const haltLines = halted.lines
      .filter((line) => line.includes('sink halted'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(haltLines.length).toBeGreaterThanOrEqual(8);
    expect(haltLines[0]).toMatchObject({ level: 'ERROR', table, column: 'qty', reason: 'cannot convert to int', example: { topic } });
    expect((haltLines[0]?.error as { message: string }).message).toMatch(
      /halted, nothing dead-lettered: .*column "qty": cannot convert to int/,
    );
    const metrics = halted.lines.filter((line) => line.includes('"SinkHalted"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(metrics.some((m) => m.topic === topic && m.table === table && Number(m.SinkHalted) > 0)).toBe(true);
    expect(metrics.some((m) => m.topic === undefined && Number(m.SinkHalted) > 0)).toBe(true);

    // The corrected config is deployed: the held records are written, the poison dead-lettered.
    const right = await sink(topic, groupId, RIGHT, dlqUrl, onFailureUrl);
    await until('every offset committed', async () => (await committed(groupId, topic)).join(',') === '500,500', 90_000);
    await right.stop();
    expect(right.poller.stats().recordsDiscarded).toBe(0);
    const rows = await readRows(sent);
    expect(rows).toEqual({ missing: 0, wrong: [] });
    const letters = (await receiveAll(sqs, dlqUrl, 20, { remove: true })).map((m) => parseDeadLetterEnvelope(m.Body ?? ''));
    expect(letters.map((l) => ('record' in l ? Number(l.record.offset) * 2 + l.record.partition : -1)).sort((a, b) => a - b)).toEqual(
      sent.filter((s) => isPoison(s.i)).map((s) => s.i),
    );
  }, 240_000);

  it('at the outer bound the event source gives the batch up to the on-failure queue; a replay while still halted dead-letters nothing, after the fix it re-reads the offsets from Kafka', async () => {
    const topic = uniqueTopic('brake-bound');
    topics.push(topic);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const sent = await produce(topic, 60, 1);
    const dlqUrl = await createQueue(sqs, 'kcs-it-brake-dlq2');
    const onFailureUrl = await createQueue(sqs, 'kcs-it-brake-onfail2');
    queues.push(dlqUrl, onFailureUrl);
    const groupId = uniqueName('brake-bound');

    // Two retries stand for the deployment's bound (retryAttempts or maxRecordAgeSeconds).
    const wrong = await sink(topic, groupId, WRONG, dlqUrl, onFailureUrl, 2);
    await until('the batch given up and committed past', async () => (await committed(groupId, topic)).join(',') === '60', 60_000);
    await wrong.stop();
    expect(wrong.counts.deadLettered).toBe(0);
    // Metadata only (first and last offset per partition); together the messages cover every offset.
    const onFailure = await receiveAll(sqs, onFailureUrl, 1);
    const covered = new Set<number>();
    for (const message of onFailure) {
      const body = JSON.parse(message.Body ?? '{}') as {
        requestContext: { condition: string };
        KafkaBatchInfo: { recordsInfo: Record<string, { firstRecordOffset: string; lastRecordOffset: string }> };
      };
      expect(body.requestContext.condition).toBe('RetryAttemptsExhausted');
      const range = body.KafkaBatchInfo.recordsInfo[`${topic}-0`];
      for (let offset = Number(range?.firstRecordOffset); offset <= Number(range?.lastRecordOffset); offset++) covered.add(offset);
    }
    expect(covered.size).toBe(60);
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 1_000 })).toHaveLength(0);

    // Redriven before the fix: held again, the messages fail (they stay in the replay queue), no dead letter.
    const kafka = (runtime: SinkRuntime) =>
      kafkaConnectionFromEnvironment({ KAFKA_BOOTSTRAP_SERVERS: endpoints.kafka, KAFKA_AUTH: 'none' }, runtime.secrets);
    const stillWrong = await createSinkRuntime(environment(topic, WRONG, dlqUrl));
    runtimes.push(stillWrong);
    const event = await sqsEventOf(sqs, onFailureUrl, onFailure);
    const early = await captureOutput(() =>
      createReplayHandler(createReplayFor(stillWrong, { kafka: kafka(stillWrong) }))(event, lambdaContext(30_000)),
    );
    expect(early.result?.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(onFailure.map((m) => m.MessageId).sort());
    expect(early.lines.some((line) => line.includes('replay halted') && line.includes('"column":"qty"'))).toBe(true);
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 1_000 })).toHaveLength(0);

    // After the fix: the offsets are re-read from Kafka and written with their Kafka write times; the poison goes to the DLQ.
    const fixed = await createSinkRuntime(environment(topic, RIGHT, dlqUrl));
    runtimes.push(fixed);
    expect(await createReplayHandler(createReplayFor(fixed, { kafka: kafka(fixed) }))(event, lambdaContext(30_000))).toEqual({
      batchItemFailures: [],
    });
    expect(await readRows(sent)).toEqual({ missing: 0, wrong: [] });
    const letters = await receiveAll(sqs, dlqUrl, 1, { remove: true });
    expect(letters.map((m) => parseDeadLetterEnvelope(m.Body ?? '')).map((l) => ('record' in l ? l.record.offset : '?'))).toEqual(['25']);
  }, 180_000);
});
