import { CreateSecretCommand, DeleteSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { KafkaEvent } from '../../../lambdas/core/event/schema.js';
import { encodeEvent, kafkaRecord } from '../../kit/index.js';
import { endpoints, uniqueName } from '../../support/services.js';

/**
 * Shared by the handler integration tests: the handlers run in this process
 * with the real runtime (real driver, real AWS SDK clients pointed at the
 * emulator through AWS_ENDPOINT_URL), so the SDK's default chains need region,
 * endpoint and dummy keys in process.env. Each vitest file runs in its own
 * worker, so this touches no other file.
 */
export function useEmulatorEnvironment(): void {
  process.env.AWS_ENDPOINT_URL = endpoints.aws;
  process.env.AWS_REGION = endpoints.awsRegion;
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  // The Powertools logger writes one JSON line per entry; keep it at INFO so the tests see what production logs.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
}

/** A Kafka record as the producer sent it, for building events and checking dead letters. */
export interface SentRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  /** JSON text; null for a tombstone (the event then has no value field). */
  readonly value: string | null;
  readonly headers?: readonly (readonly [string, Buffer])[];
}

/** The MSK event the ESM would send for these records (grouped by partition, in offset order; tombstones omit `value`). */
export function mskEventOf(records: readonly SentRecord[]): KafkaEvent {
  return encodeEvent(
    records.map((record) =>
      kafkaRecord({
        topic: record.topic,
        partition: record.partition,
        offset: String(record.offset),
        timestamp: record.timestamp,
        key: record.key === null ? null : Buffer.from(record.key),
        value: record.value === null ? null : Buffer.from(record.value),
        headers: (record.headers ?? []).map(([name, value]) => ({ name, value })),
      }),
    ),
  );
}

export async function createQueue(sqs: SQSClient, prefix: string): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix), Attributes: { VisibilityTimeout: '300' } }));
  if (out.QueueUrl === undefined) throw new Error('CreateQueue returned no URL');
  return out.QueueUrl;
}

export async function deleteQueue(sqs: SQSClient, queueUrl: string): Promise<void> {
  if (queueUrl !== '') await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
}

/**
 * Receives messages until `expected` have arrived, then polls once more so a
 * surplus message is seen too. Received messages stay invisible for the
 * queue's visibility timeout (300 s), so none is counted twice; `remove`
 * deletes them.
 */
export async function receiveAll(
  sqs: SQSClient,
  queueUrl: string,
  expected: number,
  options: { timeoutMs?: number; remove?: boolean } = {},
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
    );
    const got = out.Messages ?? [];
    messages.push(...got);
    if (got.length === 0 && (messages.length >= expected || Date.now() > deadline)) break;
  }
  if (options.remove === true && messages.length > 0) {
    for (let i = 0; i < messages.length; i += 10) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.slice(i, i + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
  return messages;
}

export async function createSecret(sm: SecretsManagerClient, value: unknown, created: string[]): Promise<string> {
  const out = await sm.send(new CreateSecretCommand({ Name: uniqueName('kcs-it-secret'), SecretString: JSON.stringify(value) }));
  if (out.ARN === undefined) throw new Error('CreateSecret returned no ARN');
  created.push(out.ARN);
  return out.ARN;
}

export async function deleteSecrets(sm: SecretsManagerClient, arns: readonly string[]): Promise<void> {
  for (const arn of arns)
    await sm.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
}

/** A topic name with dashes (the event keys partitions "<topic>-<p>", split on the last dash). */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${uniqueName('t').replace(/_/g, '-')}`;
}

/**
 * What the console's "Start DLQ redrive" to a custom destination does, for an
 * emulator without StartMessageMoveTask: each message's body moves, unchanged,
 * from one queue to the other (the moved message gets a new id).
 */
export async function moveMessages(sqs: SQSClient, fromUrl: string, toUrl: string, expected: number): Promise<number> {
  const messages = await receiveAll(sqs, fromUrl, expected);
  for (const message of messages) {
    await sqs.send(new SendMessageCommand({ QueueUrl: toUrl, MessageBody: message.Body ?? '' }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: fromUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
  }
  return messages.length;
}

/** The SQS event Lambda would build from received messages. */
export async function sqsEventOf(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<SQSEvent> {
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = attributes.Attributes?.QueueArn ?? '';
  return {
    Records: messages.map((message): SQSRecord => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: message.Attributes?.SenderId ?? 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: endpoints.awsRegion,
    })),
  };
}
