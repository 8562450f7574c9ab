/**
 * The CLI's replay of dead letters (`replay --file | --queue-url`): the core's
 * dead-letter replay (lambdas/core/replay/dead-letter-replay.ts) wired to the
 * sink runtime, the S3 overflow reader and the SQS queue.
 */
import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsDeadLetterQueue } from '../../lambdas/adapters/sqs-dead-letter-queue.js';
import { readDeadLetterBody } from '../../lambdas/adapters/sqs-dead-letter.js';
import { awsClientConfig, createSinkRuntime, type SinkEnvironment } from '../../lambdas/composition/sink-runtime.js';
import type { DeadLetterSink } from '../../lambdas/core/dead-letter.js';
import {
  createDeadLetterReplayer,
  drainDeadLetterQueue,
  summarizeReplay,
  type ReplayItem,
  type ReplayResult,
  type ReplaySummary,
} from '../../lambdas/core/replay/dead-letter-replay.js';

export type { ReplayItem, ReplayResult, ReplaySummary };

export interface Replayer {
  replay(items: readonly ReplayItem[]): Promise<ReplayResult[]>;
  close(): Promise<void>;
}

/** The runtime never sends to a queue here (the replayer keeps still-poison messages in place), so no DLQ_URL is needed. */
const noQueue: DeadLetterSink = { send: () => Promise.resolve() };

export async function createReplayer(env: SinkEnvironment): Promise<Replayer> {
  const runtime = await createSinkRuntime(env, { deadLetters: noQueue });
  const s3 = new S3Client(awsClientConfig(env));
  const replayer = createDeadLetterReplayer({ writer: runtime, deadLetters: { read: (body) => readDeadLetterBody(body, s3) } });
  return {
    replay: (items) => replayer.replay(items),
    close: async () => {
      s3.destroy();
      await runtime.close();
    },
  };
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
    return summarizeReplay(await replayer.replay(items));
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

/** Drains the queue through the core (drainDeadLetterQueue): a message is deleted only once its record is written. */
export async function replayQueue(env: SinkEnvironment, options: QueueReplayOptions): Promise<ReplaySummary> {
  const sqs = new SQSClient(awsClientConfig(env));
  const replayer = await createReplayer(env);
  const queue = sqsDeadLetterQueue({
    sqs,
    queueUrl: options.queueUrl,
    ...(options.visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
  });
  try {
    return await drainDeadLetterQueue(queue, replayer, {
      ...(options.maxMessages === undefined ? {} : { maxMessages: options.maxMessages }),
      ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
    });
  } finally {
    await replayer.close();
    sqs.destroy();
  }
}
