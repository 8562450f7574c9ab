import type { DeadLetterMessage, DeadLetterSink } from '../dead-letter.js';
import type { OffsetRange } from '../event/on-failure.js';
import type { KafkaRecord } from '../event/record.js';
import type { RunOptions } from '../batch/batch-runner.js';
import type { RecordOutcome } from '../outcome.js';

/**
 * The ports of replay: what the orchestration (replay.ts) needs from the
 * outside world. The composition root (lambdas/composition/replay.ts) fills
 * them with the Kafka, SQS/S3 and Powertools adapters; tests with fakes.
 */

/** One message of the replay queue: a dead letter, an on-failure message, or something else. */
export interface ReplayMessage {
  /** The queue's message id: what a failure is reported by. */
  readonly id: string;
  readonly body: string;
}

/** What a re-read of offset ranges found. */
export interface RefetchedRecords {
  readonly records: KafkaRecord[];
  /**
   * Ranges (or their starts) that Kafka no longer has: deleted by retention
   * or compaction. They cannot be replayed from Kafka.
   */
  readonly missing: readonly OffsetRange[];
}

/** Re-reads records from Kafka by offset (on-failure messages carry offsets only). */
export interface KafkaRefetcher {
  refetch(ranges: readonly OffsetRange[]): Promise<RefetchedRecords>;
}

/**
 * Reads a dead-letter message body: a full message as is, a pointer by
 * fetching its overflow object. A body that is not a dead letter is a
 * PoisonRecordError; a read that fails is a TransientError.
 */
export interface DeadLetterReader {
  read(body: string): Promise<DeadLetterMessage>;
}

/** Runs records through the engine to one final outcome each. */
export type BatchRun = (records: readonly KafkaRecord[], options: RunOptions) => Promise<RecordOutcome[]>;

/** Writes through the engine: the sink runtime is one. */
export interface RecordWriter {
  /** A fresh batch: poison records go to the dead-letter queue. */
  readonly run: BatchRun;
  /** The same with another dead-letter sink and attempt numbers (dead letters that are replayed). */
  readonly runner: (options: { deadLetters: DeadLetterSink; attemptOf?: (record: KafkaRecord) => number }) => BatchRun;
}

/** Structured log lines (Powertools Logger in the function). */
export interface ReplayLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** Records held by a systemic failure, per topic and table (the SinkHalted metric). */
export interface HeldRecords {
  readonly topic: string;
  readonly table: string;
  readonly heldRecords: number;
}

export interface ReplayPorts {
  readonly writer: RecordWriter;
  readonly refetcher: KafkaRefetcher;
  readonly deadLetters: DeadLetterReader;
  readonly log: ReplayLog;
  /** Publishes the records a batch's halts held; called once per batch, also with none. */
  readonly publishHalts: (held: readonly HeldRecords[]) => void;
}

/** One message of a dead-letter queue that is drained (the CLI's `replay --queue-url`). */
export interface QueuedMessage {
  readonly id: string;
  readonly body: string;
}

/**
 * A dead-letter queue to drain: receive, delete what was written, release the
 * rest (visible again for the next replay or the console).
 */
export interface DeadLetterQueue<M extends QueuedMessage = QueuedMessage> {
  /** Up to `max` messages, hidden from other readers while they are replayed; none when the queue is empty. */
  receive(max: number): Promise<M[]>;
  /** Rejects when a message could not be deleted. */
  delete(messages: readonly M[]): Promise<void>;
  /** Best effort: never rejects. */
  release(messages: readonly M[]): Promise<void>;
}
