import { Admin, Producer } from '@platformatic/kafka';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaConnectionFromEnvironment, splitServers } from '../../../lambdas/adapters/kafka/index.js';
import { createSinkRuntime, type SinkEnvironment, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { parseDeadLetterEnvelope } from '../../../lambdas/core/dead-letter.js';
import { createReplayFor } from '../../../lambdas/composition/replay.js';
import { readRuntimeEnvironment, writeRuntimeEnvironment } from '../../../lambdas/contract/runtime-env.js';
import { createReplayHandler } from '../../../lambdas/replay/create-handler.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { endpoints, localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../../support/services.js';
import {
  createQueue,
  createSecret,
  deleteQueue,
  deleteSecrets,
  moveMessages,
  mskEventOf,
  receiveAll,
  sqsEventOf,
  uniqueTopic,
  useEmulatorEnvironment,
  type SentRecord,
} from './support.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';

/**
 * The whole loop with real services: the sink handler dead-letters records to
 * the SQS DLQ; the cause is fixed (a column added and the mapping deployed
 * again); the messages move to the replay queue as the console redrive moves
 * them; the replay handler writes them with their original write time.
 */
useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secrets: string[] = [];
const keyspace = uniqueName('replayit');
const table = `${keyspace}.accounts`;
const topic = uniqueTopic('accounts-v2');
const bootstrapBrokers = splitServers(endpoints.kafka);
const admin = new Admin({ clientId: 'kcs-it-admin', bootstrapBrokers });
const producer = new Producer({ clientId: 'kcs-it-producer', bootstrapBrokers });
let cql: cassandra.Client;
let dlqUrl = '';
let replayQueueUrl = '';
let secretArn = '';
const runtimes: SinkRuntime[] = [];
const s3 = new S3Client(localAwsClientConfig);
const overflowBucket = uniqueName('kcs-it-overflow').toLowerCase().replace(/_/g, '-');

const T0 = 1_770_000_000_000;
// Offsets 0..6 of partition 0, produced to the real Kafka topic.
const sent: SentRecord[] = [
  { key: 'k1', value: JSON.stringify({ balance: '1.00', code: 1 }) },
  { key: 'k2', value: JSON.stringify({ balance: '2.00', code: 'A-17' }) }, // not an int: poison until the fix; then overwritten by offset 4
  { key: 'k3', value: JSON.stringify({ balance: 'abc', code: 'C-3' }) }, // poison before and after the fix
  { key: 'k5', value: JSON.stringify({ balance: '5.00', code: 'E-5' }) }, // poison until the fix
  { key: 'k2', value: JSON.stringify({ balance: '20.00', code: 'B-99' }) }, // newer than the dead-lettered k2
  { key: 'k6', value: JSON.stringify({ balance: '6.00', code: 'F-6' }) }, // the ESM gave up on 5..6: an on-failure message
  { key: 'k7', value: JSON.stringify({ balance: '7.00', code: 'G-7' }) },
].map((r, offset) => ({
  topic,
  partition: 0,
  offset,
  timestamp: T0 + offset * 1_000,
  headers: [['trace', Buffer.from([0x80, offset])]],
  ...r,
}));
const at = (offset: number): SentRecord => sent[offset] as SentRecord;

function environment(mapping: string, extra: SinkEnvironment = {}): SinkEnvironment {
  return {
    ...extra,
    SINK_CONFIG: localSinkConfigText(secretArn, {
      [topic]: { keyFormat: 'string', valueFormat: 'json', tables: { [table]: { mapping } } },
    }),
    DLQ_URL: dlqUrl,
    AWS_REGION: process.env.AWS_REGION,
    AWS_LAMBDA_FUNCTION_NAME: 'kcs-it-sink',
  };
}

async function runtimeFor(mapping: string, extra: SinkEnvironment = {}): Promise<SinkRuntime> {
  const runtime = await createSinkRuntime(environment(mapping, extra));
  runtimes.push(runtime);
  return runtime;
}

let hasCodeText = false;
async function row(id: string): Promise<{ balance: string; code: number | null; codeText: string | null; writetime: string } | undefined> {
  const rs = await cql.execute(
    `SELECT balance, code, ${hasCodeText ? 'code_text' : '(text)null AS code_text'}, WRITETIME(balance) AS wt FROM ${table} WHERE id = ?`,
    [id],
    { prepare: true },
  );
  const found = rs.first() as cassandra.types.Row | null;
  if (found === null) return undefined;
  return {
    balance: String(found.get('balance')),
    code: found.get('code') as number | null,
    codeText: found.get('code_text') as string | null,
    writetime: String(found.get('wt')),
  };
}
const micros = (record: SentRecord): string => String(BigInt(record.timestamp) * 1000n);

beforeAll(async () => {
  cql = localCassandraClient();
  await cql.connect();
  await cql.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await cql.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, balance decimal, code int)`);
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  await producer.send({
    messages: sent.map((r) => ({
      topic,
      partition: 0,
      key: Buffer.from(r.key ?? ''),
      value: Buffer.from(r.value ?? ''),
      headers: new Map((r.headers ?? []).map(([name, value]) => [Buffer.from(name), value])),
      timestamp: BigInt(r.timestamp),
    })),
  });
  dlqUrl = await createQueue(sqs, 'kcs-it-dlq');
  replayQueueUrl = await createQueue(sqs, 'kcs-it-replay');
  secretArn = await createSecret(sm, localCassandraCredentials, secrets);
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.close();
  await cql.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await cql.shutdown();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await producer.close();
  await admin.close();
  await deleteQueue(sqs, dlqUrl);
  await deleteQueue(sqs, replayQueueUrl);
  await deleteSecrets(sm, secrets);
  const objects = await s3.send(new ListObjectsV2Command({ Bucket: overflowBucket })).catch(() => undefined);
  for (const object of objects?.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: overflowBucket, Key: object.Key ?? '' }));
  if (objects !== undefined) await s3.send(new DeleteBucketCommand({ Bucket: overflowBucket }));
  s3.destroy();
  sqs.destroy();
  sm.destroy();
});

describe('replay of dead letters and on-failure batches', () => {
  it('restores a fixed record with its original write time, never over a newer row; a record that still fails is a batch item failure', async () => {
    // 1. The deployed mapping puts value.code into an int column: k2, k3 and k5 are poison.
    const before = await runtimeFor('id=key, balance=value.balance, code=value.code');
    const sinkResponse = await createSinkHandler(before)(mskEventOf(sent.slice(0, 4)), lambdaContext(60_000));
    expect(sinkResponse).toEqual({ batchItemFailures: [] });
    expect(await row('k1')).toEqual({ balance: '1.00', code: 1, codeText: null, writetime: micros(at(0)) });
    expect(await row('k2')).toBeUndefined();

    // 2. The fix: a text column for codes, and the mapping deployed again.
    await cql.execute(`ALTER TABLE ${table} ADD code_text text`);
    hasCodeText = true;
    const fixed = await runtimeFor('id=key, balance=value.balance, code_text=value.code');

    // 3. Life goes on: a newer k2 is written after the dead-lettering.
    expect(await createSinkHandler(fixed)(mskEventOf([at(4)]), lambdaContext(60_000))).toEqual({ batchItemFailures: [] });
    expect(await row('k2')).toEqual({ balance: '20.00', code: null, codeText: 'B-99', writetime: micros(at(4)) });

    // 4. "Start DLQ redrive" to the replay queue, and the replay function gets the messages.
    expect(await moveMessages(sqs, dlqUrl, replayQueueUrl, 3)).toBe(3);
    const messages = await receiveAll(sqs, replayQueueUrl, 3);
    expect(messages).toHaveLength(3);
    const messageIdOf = new Map(
      messages.map((message) => {
        const envelope = parseDeadLetterEnvelope(message.Body ?? '');
        return [envelope.record.offset, message.MessageId ?? ''] as const;
      }),
    );
    expect([...messageIdOf.keys()].sort()).toEqual(['1', '2', '3']);

    const replay = createReplayHandler(
      createReplayFor(fixed, {
        kafka: kafkaConnectionFromEnvironment({ KAFKA_BOOTSTRAP_SERVERS: endpoints.kafka, KAFKA_AUTH: 'none' }, fixed.secrets),
      }),
    );
    const started = Date.now();
    const response = await replay(await sqsEventOf(sqs, replayQueueUrl, messages), lambdaContext(60_000));
    console.log(`[replay] 3 dead letters replayed in ${String(Date.now() - started)} ms`);

    // k3 still fails: its message is reported, so SQS keeps it (and the redrive policy returns it to the DLQ).
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: messageIdOf.get('2') }] });
    // k5 is restored with the write time of its Kafka record, not the time of the replay.
    expect(await row('k5')).toEqual({ balance: '5.00', code: null, codeText: 'E-5', writetime: micros(at(3)) });
    // The replayed k2 is older than the row written meanwhile: the newer row stays.
    expect(await row('k2')).toEqual({ balance: '20.00', code: null, codeText: 'B-99', writetime: micros(at(4)) });
    expect(await row('k3')).toBeUndefined();
    // The still-failing record is not dead-lettered a second time by the replay itself.
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 2_000 })).toEqual([]);
  });

  it('a dead letter too large for the queue goes through the S3 overflow and is replayed from it', async () => {
    const fixed = runtimes[1];
    if (fixed === undefined) throw new Error('the first test did not build the runtime');
    await s3.send(new CreateBucketCommand({ Bucket: overflowBucket }));
    // The old mapping again (code into the int column), with a small queue limit and an overflow bucket.
    const old = await runtimeFor('id=key, balance=value.balance, code=value.code', {
      DLQ_OVERFLOW_BUCKET: overflowBucket,
      DLQ_MAX_MESSAGE_BYTES: '4096',
    });
    const big: SentRecord = {
      topic,
      partition: 0,
      offset: 7,
      timestamp: T0 + 7_000,
      key: 'k8',
      value: JSON.stringify({ balance: '8.00', code: 'H-8', notes: 'x'.repeat(10_000) }),
      headers: [],
    };
    expect(await createSinkHandler(old)(mskEventOf([big]), lambdaContext(60_000))).toEqual({ batchItemFailures: [] });

    expect(await moveMessages(sqs, dlqUrl, replayQueueUrl, 1)).toBe(1);
    const messages = await receiveAll(sqs, replayQueueUrl, 1, { remove: true });
    expect(messages).toHaveLength(1);
    const pointer = parseDeadLetterEnvelope(messages[0]?.Body ?? '');
    expect(pointer.type).toBe('kafka-cql-sink.dead-letter-pointer');
    expect(pointer.record).toMatchObject({ topic, partition: 0, offset: '7' });

    const replay = createReplayHandler(createReplayFor(fixed, { kafka: () => Promise.reject(new Error('not needed')) }));
    expect(await replay(await sqsEventOf(sqs, replayQueueUrl, messages), lambdaContext(60_000))).toEqual({ batchItemFailures: [] });
    expect(await row('k8')).toEqual({ balance: '8.00', code: null, codeText: 'H-8', writetime: micros(big) });
  });

  it('a message that is neither a dead letter nor an on-failure message is reported failed', async () => {
    const fixed = runtimes[1];
    if (fixed === undefined) throw new Error('the first test did not build the runtime');
    await sqs.send(new SendMessageCommand({ QueueUrl: replayQueueUrl, MessageBody: JSON.stringify({ hello: 'world' }) }));
    const [message] = await receiveAll(sqs, replayQueueUrl, 1, { remove: true });
    if (message === undefined) throw new Error('no message');
    const replay = createReplayHandler(createReplayFor(fixed, { kafka: () => Promise.reject(new Error('not needed')) }));
    expect(await replay(await sqsEventOf(sqs, replayQueueUrl, [message]), lambdaContext(30_000))).toEqual({
      batchItemFailures: [{ itemIdentifier: message.MessageId }],
    });
  });

  it('re-reads the offsets of an ESM on-failure message from Kafka and writes them with their Kafka write time', async () => {
    const fixed = runtimes[1];
    if (fixed === undefined) throw new Error('the first test did not build the runtime');
    // What an SQS on-failure destination receives when the ESM gives up on offsets 5..6: metadata only.
    const onFailure = {
      requestContext: {
        requestId: uniqueName('req'),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:kcs-it-sink',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      KafkaBatchInfo: {
        batchSize: 2,
        bootstrapServers: endpoints.kafka,
        payloadSize: 600,
        recordsInfo: {
          [`${topic}-0`]: {
            firstRecordOffset: '5',
            lastRecordOffset: '6',
            firstRecordTimestamp: new Date(at(5).timestamp).toISOString(),
            lastRecordTimestamp: new Date(at(6).timestamp).toISOString(),
          },
        },
      },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: replayQueueUrl, MessageBody: JSON.stringify(onFailure) }));
    const messages = await receiveAll(sqs, replayQueueUrl, 1, { remove: true });
    expect(messages).toHaveLength(1);

    const replay = createReplayHandler(
      createReplayFor(fixed, {
        kafka: kafkaConnectionFromEnvironment({ KAFKA_BOOTSTRAP_SERVERS: endpoints.kafka, KAFKA_AUTH: 'none' }, fixed.secrets),
      }),
    );
    const started = Date.now();
    const response = await replay(await sqsEventOf(sqs, replayQueueUrl, messages), lambdaContext(60_000));
    console.log(`[replay] on-failure batch re-read from Kafka and written in ${String(Date.now() - started)} ms`);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await row('k6')).toEqual({ balance: '6.00', code: null, codeText: 'F-6', writetime: micros(at(5)) });
    expect(await row('k7')).toEqual({ balance: '7.00', code: null, codeText: 'G-7', writetime: micros(at(6)) });
    // Only the offsets named: k1 (offset 0) keeps the row the sink wrote.
    expect(await row('k1')).toEqual({ balance: '1.00', code: 1, codeText: null, writetime: micros(at(0)) });
  });

  it('skips the records of an on-failure range that the mapping’s filters skipped, and writes the others', async () => {
    const fixed = runtimes[1];
    if (fixed === undefined) throw new Error('the first test did not build the runtime');
    // The mapping delivered only PAID orders; its batch of two PAID records failed, and the range it reports spans the skipped ones too.
    const mixed = [
      { key: 'f1', value: JSON.stringify({ balance: '1.50', code: 'P-1', status: 'PAID' }) },
      { key: 'f2', value: JSON.stringify({ balance: '2.50', code: 'N-2', status: 'NEW' }) },
      { key: 'f3', value: 'not json at all' }, // poison if it were written: skipped, so not dead-lettered either
      { key: 'f4', value: JSON.stringify({ balance: '4.50', code: 'N-4' }) }, // no status
      { key: 'f5', value: JSON.stringify({ balance: '5.50', code: 'P-5', status: 'PAID' }) },
    ];
    const timestamp = T0 + 60_000;
    const produced = await producer.send({
      messages: mixed.map((r) => ({
        topic,
        partition: 0,
        key: Buffer.from(r.key),
        value: Buffer.from(r.value),
        timestamp: BigInt(timestamp),
      })),
    });
    const first = produced.offsets?.find((o) => o.topic === topic && o.partition === 0)?.offset;
    if (first === undefined) throw new Error('the producer reported no offset');
    const onFailure = {
      requestContext: {
        requestId: uniqueName('req'),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:kcs-it-sink',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      KafkaBatchInfo: {
        batchSize: 2,
        bootstrapServers: endpoints.kafka,
        payloadSize: 400,
        recordsInfo: {
          [`${topic}-0`]: {
            firstRecordOffset: String(first),
            lastRecordOffset: String(first + 4n),
            firstRecordTimestamp: new Date(timestamp).toISOString(),
            lastRecordTimestamp: new Date(timestamp).toISOString(),
          },
        },
      },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: replayQueueUrl, MessageBody: JSON.stringify(onFailure) }));
    const messages = await receiveAll(sqs, replayQueueUrl, 1, { remove: true });
    expect(messages).toHaveLength(1);

    // As the stack hands them over (KAFKA_FILTERS) and handler.ts reads them.
    const filter = readRuntimeEnvironment(writeRuntimeEnvironment({ kafkaFilters: [{ value: { status: ['PAID'] } }] })).kafkaFilters;
    const replay = createReplayHandler(
      createReplayFor(fixed, {
        kafka: kafkaConnectionFromEnvironment({ KAFKA_BOOTSTRAP_SERVERS: endpoints.kafka, KAFKA_AUTH: 'none' }, fixed.secrets),
        filter,
      }),
    );
    expect(await replay(await sqsEventOf(sqs, replayQueueUrl, messages), lambdaContext(60_000))).toEqual({ batchItemFailures: [] });
    expect(await row('f1')).toEqual({ balance: '1.50', code: null, codeText: 'P-1', writetime: String(BigInt(timestamp) * 1000n) });
    expect(await row('f5')).toEqual({ balance: '5.50', code: null, codeText: 'P-5', writetime: String(BigInt(timestamp) * 1000n) });
    expect(await row('f2')).toBeUndefined();
    expect(await row('f4')).toBeUndefined();
    expect(await row('f3')).toBeUndefined();
    // The plain-string record was skipped, not dead-lettered.
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 2_000 })).toEqual([]);
  });
});
