/**
 * `dlq peek`: the dead letters of a queue, decoded for a person, without
 * deleting them. Messages are received with a visibility timeout of 0, so they
 * stay visible to a replay or a redrive at every moment; a message seen again
 * is recognised by its id and counted once.
 */
import { GetQueueUrlCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import { readDeadLetterBody } from '../../lambdas/adapters/sqs-dead-letter.js';
import type { DeadLetterMessage } from '../../lambdas/core/dead-letter.js';
import { isOnFailureMessage } from '../../lambdas/core/event/on-failure.js';

/** Bytes shown as what they most likely are: JSON, else UTF-8 text, else base64. */
export type ShownBytes = { readonly json: unknown } | { readonly text: string } | { readonly base64: string } | null;

export interface PeekedLetter {
  readonly messageId: string;
  /** How often the queue has handed this message out (peeks included). */
  readonly receiveCount: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly error: { readonly kind: string; readonly name: string; readonly message: string };
  readonly attempt: number;
  readonly tables: readonly string[];
  readonly key: ShownBytes;
  readonly value: ShownBytes;
  readonly headers: Readonly<Record<string, ShownBytes>>;
}

/** A message in the queue that is not a dead letter of this sink (an on-failure batch record, or foreign). */
export interface PeekedOther {
  readonly messageId: string;
  readonly receiveCount: number;
  readonly kind: 'on-failure' | 'unreadable';
  readonly detail: string;
}

export type Peeked = PeekedLetter | PeekedOther;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function showBytes(base64: string | null): ShownBytes {
  if (base64 === null) return null;
  const bytes = Buffer.from(base64, 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { base64 };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { text };
  }
}

export function describeLetter(message: DeadLetterMessage, messageId: string, receiveCount: number): PeekedLetter {
  const { record } = message;
  return {
    messageId,
    receiveCount,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(record.timestamp).toISOString(),
    error: message.error,
    attempt: message.attempt,
    tables: message.targetTables,
    key: showBytes(record.key),
    value: showBytes(record.value),
    headers: Object.fromEntries(record.headers.map((header) => [header.name, showBytes(header.value)])),
  };
}

/** Looks a local queue up by name (the emulator's URL carries its account and host). */
export async function queueUrlOf(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error(`queue ${name} has no URL`);
  return QueueUrl;
}

export interface PeekOptions {
  readonly limit: number;
  /** Receives in a row that bring nothing new before it stops. Default 3. */
  readonly patience?: number;
}

/** Up to `limit` distinct messages of the queue, decoded; none is deleted. */
export async function peekDeadLetters(sqs: SQSClient, s3: S3Client | undefined, queueUrl: string, options: PeekOptions): Promise<Peeked[]> {
  const seen = new Map<string, Peeked>();
  let idle = 0;
  while (seen.size < options.limit && idle < (options.patience ?? 3)) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, options.limit - seen.size),
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    let fresh = 0;
    for (const message of Messages) {
      const id = message.MessageId ?? '';
      if (seen.has(id) || seen.size >= options.limit) continue;
      fresh += 1;
      seen.set(id, await decode(message.Body ?? '', id, Number(message.Attributes?.ApproximateReceiveCount ?? '1'), s3));
    }
    idle = fresh === 0 ? idle + 1 : 0;
  }
  return [...seen.values()];
}

async function decode(body: string, messageId: string, receiveCount: number, s3: S3Client | undefined): Promise<Peeked> {
  try {
    return describeLetter(await readDeadLetterBody(body, s3), messageId, receiveCount);
  } catch (error) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (isOnFailureMessage(parsed))
      return {
        messageId,
        receiveCount,
        kind: 'on-failure',
        detail: 'an event source on-failure message (offsets only): the replay function re-reads it from Kafka',
      };
    return { messageId, receiveCount, kind: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** A few lines a person reads: where the record came from, why it failed, its key, value and headers. */
export function formatPeeked(item: Peeked): string[] {
  if (!('topic' in item)) return [`message ${item.messageId}: ${item.kind}: ${item.detail}`];
  const show = (bytes: ShownBytes): string => {
    if (bytes === null) return 'null';
    if ('json' in bytes) return JSON.stringify(bytes.json);
    if ('text' in bytes) return JSON.stringify(bytes.text);
    return `base64:${bytes.base64}`;
  };
  const headers = Object.entries(item.headers);
  return [
    `${item.topic}/${String(item.partition)}/${item.offset} at ${item.timestamp} → ${item.tables.join(', ') || '(no table)'} (attempt ${String(item.attempt)}, message ${item.messageId})`,
    `  ${item.error.kind}: ${item.error.message}`,
    `  key:     ${show(item.key)}`,
    `  value:   ${item.value === null ? 'null (tombstone)' : show(item.value)}`,
    ...(headers.length === 0 ? [] : [`  headers: ${headers.map(([name, value]) => `${name}=${show(value)}`).join(', ')}`]),
  ];
}
