/**
 * Replays dead letters through the core: from an SQS dead-letter queue
 * (deleting each message only once its record is written) or from a file of
 * dead-letter messages (JSON lines). Each record keeps its Kafka timestamp,
 * so the replayed write carries the original write time and never overwrites
 * newer data. A record that still fails stays in the queue (or is reported).
 */
import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { awsClientConfig, createSinkRuntime, type SinkEnvironment, type SinkRuntime } from '../../lambdas/composition/sink-runtime.js';
import { readDeadLetterBody } from '../../lambdas/adapters/sqs-dead-letter.js';
import { deadLetterToRecord, type DeadLetterSink } from '../../lambdas/core/dead-letter.js';
import { isOnFailureMessage } from '../../lambdas/core/event/on-failure.js';
import type { KafkaRecord } from '../../lambdas/core/event/record.js';

export interface ReplayItem {
  /** Queue message id, or `<file>:<line>`. */
  readonly id: string;
  readonly body: string;
}

export interface ReplayResult {
  readonly id: string;
  readonly location?: string;
  readonly status: 'written' | 'still-poison' | 'failed' | 'unreadable' | 'skipped';
  readonly error?: string;
}

export interface ReplaySummary {
  readonly results: readonly ReplayResult[];
  readonly written: number;
  readonly notWritten: number;
}

/** Replay re-sends nothing to a queue: a record that is still poison is reported and its message kept. */
const keepInPlace: DeadLetterSink = { send: () => Promise.resolve() };

export interface Replayer {
  replay(items: readonly ReplayItem[]): Promise<ReplayResult[]>;
  close(): Promise<void>;
}

export async function createReplayer(env: SinkEnvironment): Promise<Replayer> {
  const attempts = new WeakMap<KafkaRecord, number>();
  const runtime: SinkRuntime = await createSinkRuntime(env, { deadLetters: keepInPlace, attemptOf: (record) => attempts.get(record) ?? 1 });
  const s3 = new S3Client(awsClientConfig(env));

  async function replay(items: readonly ReplayItem[]): Promise<ReplayResult[]> {
    const results = new Map<string, ReplayResult>();
    const owners = new Map<KafkaRecord, string>();
    for (const item of items) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(item.body);
      } catch {
        parsed = undefined;
      }
      if (isOnFailureMessage(parsed)) {
        results.set(item.id, { id: item.id, status: 'skipped', error: 'an event source on-failure message (offsets only): replay it with the replay function, which re-reads Kafka' });
        continue;
      }
      try {
        const letter = await readDeadLetterBody(item.body, s3);
        const record = deadLetterToRecord(letter);
        attempts.set(record, letter.attempt + 1);
        owners.set(record, item.id);
      } catch (error) {
        results.set(item.id, { id: item.id, status: 'unreadable', error: error instanceof Error ? error.message : String(error) });
      }
    }
    // Kafka order within a partition, as the original delivery had it.
    const records = [...owners.keys()].sort((a, b) =>
      a.topic !== b.topic ? (a.topic < b.topic ? -1 : 1) : a.partition !== b.partition ? a.partition - b.partition : Number(BigInt(a.offset) - BigInt(b.offset)),
    );
    if (records.length > 0) {
      const outcomes = await runtime.run(records, { deadlineMs: Date.now() + 120_000 });
      for (const outcome of outcomes) {
        const id = owners.get(outcome.record) ?? '?';
        const location = `${outcome.record.topic}-${String(outcome.record.partition)}@${outcome.record.offset}`;
        if (outcome.status === 'written') results.set(id, { id, location, status: 'written' });
        else results.set(id, { id, location, status: outcome.status === 'dead-lettered' ? 'still-poison' : 'failed', error: outcome.error.message });
      }
    }
    return items.map((item) => results.get(item.id) ?? { id: item.id, status: 'failed', error: 'no outcome' });
  }

  return {
    replay,
    close: async () => {
      s3.destroy();
      await runtime.close();
    },
  };
}

function summarize(results: readonly ReplayResult[]): ReplaySummary {
  const written = results.filter((r) => r.status === 'written').length;
  return { results, written, notWritten: results.length - written };
}

/** One dead-letter message per non-empty line. */
export function readReplayFile(file: string): ReplayItem[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((body, index) => ({ id: `${file}:${String(index + 1)}`, body: body.trim() }))
    .filter((item) => item.body !== '');
}

export async function replayFile(env: SinkEnvironment, file: string): Promise<ReplaySummary> {
  const items = readReplayFile(file);
  const replayer = await createReplayer(env);
  try {
    return summarize(await replayer.replay(items));
  } finally {
    await replayer.close();
  }
}

export interface QueueReplayOptions {
  readonly queueUrl: string;
  /** Stop after this many messages (default: until the queue is drained). */
  readonly maxMessages?: number;
  /** How long received messages stay hidden while they are replayed. Default 120 s. */
  readonly visibilityTimeoutSeconds?: number;
  readonly onBatch?: (results: readonly ReplayResult[]) => void;
}

/**
 * Drains the queue: receive up to 10, replay, delete the written ones. Messages
 * that were not written stay in the queue and become visible again at the end
 * (they are never received twice in one drain).
 */
export async function replayQueue(env: SinkEnvironment, options: QueueReplayOptions): Promise<ReplaySummary> {
  const sqs = new SQSClient(awsClientConfig(env));
  const replayer = await createReplayer(env);
  const all: ReplayResult[] = [];
  const kept: Message[] = [];
  const seen = new Set<string>();
  const max = options.maxMessages ?? Number.POSITIVE_INFINITY;
  try {
    while (all.length < max) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(10, max - all.length),
          WaitTimeSeconds: 1,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 120,
        }),
      );
      const messages = (received.Messages ?? []).filter((m) => m.MessageId !== undefined && m.ReceiptHandle !== undefined && !seen.has(m.MessageId));
      if (messages.length === 0) break;
      for (const m of messages) seen.add(m.MessageId ?? '');
      const results = await replayer.replay(messages.map((m) => ({ id: m.MessageId ?? '', body: m.Body ?? '' })));
      const written = new Set(results.filter((r) => r.status === 'written').map((r) => r.id));
      const toDelete = messages.filter((m) => written.has(m.MessageId ?? ''));
      kept.push(...messages.filter((m) => !written.has(m.MessageId ?? '')));
      if (toDelete.length > 0) {
        const deleted = await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: toDelete.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
        );
        if ((deleted.Failed ?? []).length > 0) throw new Error(`deleting replayed messages failed: ${JSON.stringify(deleted.Failed)}`);
      }
      all.push(...results);
      options.onBatch?.(results);
    }
  } finally {
    // What was not written is visible again for the next replay (or the console).
    for (let i = 0; i < kept.length; i += 10) {
      const chunk = kept.slice(i, i + 10);
      await sqs
        .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: options.queueUrl, Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 })) }))
        .catch(() => undefined);
    }
    await replayer.close();
    sqs.destroy();
  }
  return summarize(all);
}
