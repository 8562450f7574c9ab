import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSinkRuntime, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { readDeadLetterBody } from '../../../lambdas/adapters/sqs-dead-letter.js';
import type { DeadLetterMessage } from '../../../lambdas/core/dead-letter.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { buildMskEvent, type PolledRecord } from '../../../local/poller/event.js';
import type { MskEvent } from '../../../local/poller/types.js';
import { encodeMessage, producerRoot, protobufWire, protoFixture } from '../../support/confluent-wire.js';
import { endpoints, localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../../support/services.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';
import {
  createQueue,
  createSecret,
  deleteQueue,
  deleteSecrets,
  receiveAll,
  uniqueTopic,
  useEmulatorEnvironment,
} from '../handlers/support.js';
import { registerSchema, useSchemaRegistry } from './registry.js';

/*
 * Protobuf poison through the whole sink handler: records whose bytes do
 * not fit the wire format or the schema go to the dead-letter queue with an
 * error naming the record and what was wrong; the good ones are written.
 */

useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secrets: string[] = [];
const keyspace = uniqueName('codecpoison');
const topic = uniqueTopic('proto-orders');
const root = producerRoot();
let stopRegistry: () => Promise<void> = () => Promise.resolve();
let admin: cassandra.Client;
let runtime: SinkRuntime | undefined;
let dlqUrl = '';
let schemaId = 0;

function polled(offset: number, value: Buffer): PolledRecord {
  return {
    topic,
    partition: 0,
    offset: BigInt(offset),
    timestamp: 1_760_000_000_000n + BigInt(offset),
    timestampType: 'CREATE_TIME',
    key: Buffer.from(`k${offset}`),
    value,
    headers: [],
  };
}

function eventOf(records: readonly PolledRecord[]): MskEvent {
  return JSON.parse(JSON.stringify(buildMskEvent([records], { kind: 'msk', bootstrapServers: [endpoints.kafka] }))) as MskEvent;
}

beforeAll(async () => {
  stopRegistry = await useSchemaRegistry();
  admin = localCassandraClient();
  await admin.connect();
  await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE TABLE ${keyspace}.orders (id text PRIMARY KEY, big bigint, tags list<text>)`);
  const subject = uniqueName('poison');
  await registerSchema(`${subject}-address`, { schema: protoFixture('address.proto'), schemaType: 'PROTOBUF' });
  schemaId = await registerSchema(`${subject}-value`, {
    schema: protoFixture('everything.proto'),
    schemaType: 'PROTOBUF',
    references: [{ name: 'shared/address.proto', subject: `${subject}-address`, version: 1 }],
  });
  dlqUrl = await createQueue(sqs, 'kcs-codec-dlq');
  const secretArn = await createSecret(sm, localCassandraCredentials, secrets);
  runtime = await createSinkRuntime({
    SINK_CONFIG: localSinkConfigText(secretArn, {
      [topic]: {
        valueFormat: 'protobuf',
        schemaRegistry: { url: endpoints.schemaRegistry },
        tables: { [`${keyspace}.orders`]: { mapping: 'id=value.id, big=value.big, tags=value.tags' } },
      },
    }),
    DLQ_URL: dlqUrl,
    AWS_LAMBDA_FUNCTION_NAME: 'kcs-codec-sink',
    AWS_LAMBDA_FUNCTION_VERSION: '1',
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
  await stopRegistry();
});

describe('Protobuf poison goes to the dead-letter queue', () => {
  it('dead-letters an unknown schema id, a wrong magic byte and a truncated payload, and writes the good record', async () => {
    if (runtime === undefined) throw new Error('no runtime');
    const good = protobufWire(
      schemaId,
      [0],
      encodeMessage(root, 'shop.v1.Everything', { id: 'good', big: '9223372036854775807', tags: ['x'] }),
    );
    const truncatedSource = protobufWire(
      schemaId,
      [0],
      encodeMessage(root, 'shop.v1.Everything', { id: 'cut', tags: ['a-long-enough-tag'] }),
    );
    const records = [
      polled(0, good),
      polled(1, protobufWire(987_654, [0], Buffer.from([0x0a, 0x01, 0x41]))), // unknown schema id
      polled(2, Buffer.concat([Buffer.from([1]), good.subarray(1)])), // wrong magic byte
      polled(3, truncatedSource.subarray(0, truncatedSource.length - 4)), // truncated inside the tags field
    ];
    const response = await createSinkHandler(runtime)(eventOf(records), lambdaContext(60_000));
    expect(response).toEqual({ batchItemFailures: [] });

    const rows = await admin.execute(`SELECT id, big, tags FROM ${keyspace}.orders`);
    expect(rows.rows.map((row) => [row.get('id') as string, String(row.get('big')), row.get('tags') as string[]])).toEqual([
      ['good', '9223372036854775807', ['x']],
    ]);

    const messages = await receiveAll(sqs, dlqUrl, 3);
    expect(messages).toHaveLength(3);
    const letters = new Map<string, DeadLetterMessage>();
    for (const message of messages) {
      const letter = await readDeadLetterBody(message.Body ?? '', runtime.s3);
      letters.set(letter.record.offset, letter);
    }
    for (const offset of ['1', '2', '3']) {
      const letter = letters.get(offset);
      expect(letter?.error.kind, `dead letter for offset ${offset}`).toBe('poison');
      expect(letter?.error.message).toContain(`${topic}/0@${offset}`);
      expect(Buffer.from(letter?.record.value ?? '', 'base64')).toEqual(records[Number(offset)]?.value);
    }
    expect(letters.get('1')?.error.message).toMatch(/no schema with id 987654/);
    expect(letters.get('2')?.error.message).toMatch(
      /value does not start with the Confluent wire-format magic byte 0 \(found 1\): <\d+ bytes 0x01/,
    );
    expect(letters.get('3')?.error.message).toMatch(
      new RegExp(
        `value does not decode with Protobuf schema id ${schemaId} \\(.+\\) as Protobuf message shop\\.v1\\.Everything: <\\d+ bytes 0x00`,
      ),
    );
  });
});
