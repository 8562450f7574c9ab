import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsDeadLetterSink, readDeadLetterBody } from '../../../lambdas/adapters/sqs-dead-letter.js';
import { deadLetterFor, deadLetterToRecord, parseDeadLetterEnvelope } from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { localAwsClientConfig, uniqueName } from '../../support/services.js';
import { kafkaRecord } from '../../kit/index.js';

const sqs = new SQSClient(localAwsClientConfig);
const s3 = new S3Client(localAwsClientConfig);
let queueUrl = '';
const bucket = uniqueName('dlq').toLowerCase().replace(/_/g, '-');

const record = (offset: number, valueBytes: number): KafkaRecord =>
  kafkaRecord({
    topic: 'orders-eu-1',
    partition: 2,
    offset: String(offset),
    timestamp: 1_700_000_000_000 + offset,
    key: Buffer.from(`key-${offset}`),
    value: offset % 5 === 0 ? null : Buffer.from(Array.from({ length: valueBytes }, (_, i) => (i * 7 + offset) & 0xff)),
    headers: [{ name: 'bin', value: Buffer.from([0xff, 0x00, 0x80]) }],
  });

async function receiveAll(expected: number): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + 20_000;
  while (messages.length < expected && Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    messages.push(...(out.Messages ?? []));
  }
  return messages;
}

beforeAll(async () => {
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }));
  queueUrl = queue.QueueUrl ?? '';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  if (queueUrl !== '') await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  sqs.destroy();
  s3.destroy();
});

describe('SqsDeadLetterSink against the emulator', () => {
  it('delivers one message per record with its whole payload; an oversize one through S3', async () => {
    const sink = new SqsDeadLetterSink({
      sqs,
      queueUrl,
      overflow: { s3, bucket, prefix: 'overflow/' },
      origin: { functionName: 'kcs-sink', functionVersion: '3' },
      // Small on purpose so the overflow path runs without megabyte payloads.
      maxMessageBytes: 8192,
    });
    const records = Array.from({ length: 12 }, (_, i) => record(100 + i, i === 3 ? 20_000 : 200));
    await sink.send(records.map((r) => deadLetterFor(r, ['shop.orders'], new PoisonRecordError(`bad record ${r.offset}`), 2)));

    const messages = await receiveAll(records.length);
    expect(messages).toHaveLength(records.length);
    const restored = new Map<string, KafkaRecord>();
    let pointers = 0;
    for (const message of messages) {
      const body = message.Body ?? '';
      if (parseDeadLetterEnvelope(body).type === 'kafka-cql-sink.dead-letter-pointer') pointers++;
      const full = await readDeadLetterBody(body, s3);
      expect(full.function).toEqual({ name: 'kcs-sink', version: '3' });
      expect(full.targetTables).toEqual(['shop.orders']);
      expect(full.attempt).toBe(2);
      expect(full.error).toEqual({ kind: 'poison', name: 'PoisonRecordError', message: `bad record ${full.record.offset}` });
      restored.set(full.record.offset, deadLetterToRecord(full));
    }
    expect(pointers).toBe(1);
    for (const original of records) expect(restored.get(original.offset)).toEqual({ ...original, fromDeadLetter: true });
  });
});
