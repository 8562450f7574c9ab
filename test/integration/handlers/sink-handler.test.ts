import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSinkRuntime, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { readDeadLetterBody } from '../../../lambdas/adapters/sqs-dead-letter.js';
import type { DeadLetterMessage } from '../../../lambdas/core/dead-letter.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../../support/services.js';
import {
  createQueue,
  createSecret,
  deleteQueue,
  deleteSecrets,
  mskEventOf,
  receiveAll,
  uniqueTopic,
  useEmulatorEnvironment,
  type SentRecord,
} from './support.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';

useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secrets: string[] = [];
const keyspace = uniqueName('sinkit');
const table = `${keyspace}.orders`;
const topic = uniqueTopic('orders-eu');
let admin: cassandra.Client;
let runtime: SinkRuntime | undefined;
let dlqUrl = '';

const T0 = 1_760_000_000_000;
const customer = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const order = (amount: string, status: string, n: number): string => JSON.stringify({ amount, customer: customer(n), status });
// Bytes above 0x7f go through the event as negative Java bytes.
const sourceHeader = (n: number): [string, Buffer] => ['source', Buffer.from([0xff, 0x00, 0x80, n])];
const rec = (partition: number, offset: number, key: string, value: string | null, extra: Partial<SentRecord> = {}): SentRecord => ({
  topic,
  partition,
  offset,
  timestamp: T0 + partition * 1_000 + offset,
  key,
  value,
  headers: [sourceHeader(offset)],
  ...extra,
});

// Partition 0 and 1 mix good, poison and tombstone records; partition 2 is all good.
const batch: SentRecord[] = [
  rec(0, 40, 'a1', order('12.50', 'new', 1)),
  rec(0, 41, 'a2', order('7', 'new', 2)),
  rec(0, 42, 'a3', order('12,5x', 'new', 3)), // poison: not a decimal
  rec(0, 43, 'a1', null), // tombstone: deletes a1 written at offset 40
  rec(0, 44, 'a4', order('0.001', 'paid', 4)),
  rec(1, 7, 'b1', JSON.stringify({ amount: '1', customer: 'not-a-uuid', status: 'new' })), // poison: bad uuid
  rec(1, 8, 'b2', order('2', 'new', 22)),
  rec(1, 9, 'b3', null), // tombstone of a row that existed before the batch
  rec(1, 10, 'b2', order('2', 'shipped', 22)),
  rec(2, 0, 'c1-ü', order('-3.25', 'refunded', 31), { headers: [] }),
  rec(2, 1, 'c2', '{"amount": "1", '), // poison: not JSON
];
const poison = batch.filter((r) => ['a3', 'b1', 'c2'].includes(r.key ?? ''));

beforeAll(async () => {
  admin = localCassandraClient();
  await admin.connect();
  await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, amount decimal, customer uuid, status text, source blob)`);
  // b3 exists before the batch, written earlier than its tombstone.
  await admin.execute(`INSERT INTO ${table} (id, status) VALUES ('b3', 'old') USING TIMESTAMP ${String((T0 - 60_000) * 1000)}`);
  dlqUrl = await createQueue(sqs, 'kcs-it-dlq');
  const secretArn = await createSecret(sm, localCassandraCredentials, secrets);
  runtime = await createSinkRuntime({
    SINK_CONFIG: localSinkConfigText(secretArn, {
      [topic]: {
        keyFormat: 'string',
        valueFormat: 'json',
        tables: { [table]: { mapping: 'id=key, amount=value.amount, customer=value.customer, status=value.status, source=header.source' } },
      },
    }),
    DLQ_URL: dlqUrl,
    AWS_LAMBDA_FUNCTION_NAME: 'kcs-it-sink',
    AWS_LAMBDA_FUNCTION_VERSION: '7',
    AWS_REGION: process.env.AWS_REGION,
  });
});

afterAll(async () => {
  await runtime?.close();
  await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await admin.shutdown();
  await deleteQueue(sqs, dlqUrl);
  await deleteSecrets(sm, secrets);
  sqs.destroy();
  sm.destroy();
});

describe('sink handler against Cassandra and the emulator', () => {
  it('writes the good records, deletes on tombstones, dead-letters each poison record whole, and reports no failure', async () => {
    if (runtime === undefined) throw new Error('no runtime');
    const handler = createSinkHandler(runtime);
    const started = Date.now();
    const response = await handler(mskEventOf(batch), lambdaContext(60_000));
    const elapsed = Date.now() - started;
    console.log(`[sink-handler] batch of ${String(batch.length)} handled in ${String(elapsed)} ms`);
    expect(response).toEqual({ batchItemFailures: [] });

    const rows = await admin.execute(`SELECT id, amount, customer, status, source, WRITETIME(status) AS wt FROM ${table}`);
    const byId = new Map(rows.rows.map((row) => [row.get('id') as string, row]));
    expect([...byId.keys()].sort()).toEqual(['a2', 'a4', 'b2', 'c1-ü']);
    const expectRow = (id: string, amount: string, n: number, status: string, sent: SentRecord): void => {
      const row = byId.get(id);
      expect(String(row?.get('amount'))).toBe(amount);
      expect(String(row?.get('customer'))).toBe(customer(n));
      expect(row?.get('status')).toBe(status);
      expect(row?.get('source')).toEqual(sent.headers?.[0]?.[1] ?? null);
      // The write time is the Kafka timestamp in microseconds.
      expect(String(row?.get('wt'))).toBe(String(BigInt(sent.timestamp) * 1000n));
    };
    expectRow('a2', '7', 2, 'new', batch[1] as SentRecord);
    expectRow('a4', '0.001', 4, 'paid', batch[4] as SentRecord);
    expectRow('b2', '2', 22, 'shipped', batch[8] as SentRecord);
    expectRow('c1-ü', '-3.25', 31, 'refunded', batch[9] as SentRecord);

    const messages = await receiveAll(sqs, dlqUrl, poison.length);
    expect(messages).toHaveLength(poison.length);
    const letters = new Map<string, DeadLetterMessage>();
    for (const message of messages) {
      const letter = await readDeadLetterBody(message.Body ?? '', runtime.s3);
      letters.set(`${String(letter.record.partition)}@${letter.record.offset}`, letter);
    }
    for (const sent of poison) {
      const letter = letters.get(`${String(sent.partition)}@${String(sent.offset)}`);
      expect(letter, `dead letter for ${String(sent.partition)}@${String(sent.offset)}`).toBeDefined();
      if (letter === undefined) continue;
      expect(letter.record).toMatchObject({
        topic,
        partition: sent.partition,
        offset: String(sent.offset),
        timestamp: sent.timestamp,
        timestampType: 'CREATE_TIME',
      });
      expect(Buffer.from(letter.record.key ?? '', 'base64').toString('utf8')).toBe(sent.key);
      expect(Buffer.from(letter.record.value ?? '', 'base64').toString('utf8')).toBe(sent.value);
      expect(letter.record.headers.map((h) => [h.name, Buffer.from(h.value, 'base64')])).toEqual(sent.headers);
      expect(letter.targetTables).toEqual([table]);
      expect(letter.error.kind).toBe('poison');
      expect(letter.attempt).toBe(1);
      expect(letter.function).toEqual({ name: 'kcs-it-sink', version: '7' });
    }
    const a3 = letters.get('0@42');
    expect(a3?.error.message).toContain(`${topic}/0@42`);
    expect(a3?.error.message).toContain('column "amount" (decimal): cannot convert "12,5x"');
    const b1 = letters.get('1@7');
    expect(b1?.error.message).toContain(`${topic}/1@7`);
    expect(b1?.error.message).toMatch(/column "customer" \(uuid\): cannot convert "not-a-uuid"/);
    expect(letters.get('2@1')?.error.message).toContain(`${topic}/2@1`);
  });

  it('a redelivery of the same batch converges: same rows, same write times, the poison dead-lettered again', async () => {
    if (runtime === undefined) throw new Error('no runtime');
    const before = await admin.execute(`SELECT id, amount, status, WRITETIME(status) AS wt FROM ${table}`);
    const response = await createSinkHandler(runtime)(mskEventOf(batch), lambdaContext(60_000));
    expect(response).toEqual({ batchItemFailures: [] });
    const after = await admin.execute(`SELECT id, amount, status, WRITETIME(status) AS wt FROM ${table}`);
    const show = (rs: cassandra.types.ResultSet): string[] => rs.rows.map((row) => JSON.stringify(row)).sort();
    expect(show(after)).toEqual(show(before));
    // At-least-once: a redelivered poison record is dead-lettered again (the replay handles duplicates by write time).
    expect(await receiveAll(sqs, dlqUrl, poison.length, { remove: true })).toHaveLength(poison.length);
  });
});
