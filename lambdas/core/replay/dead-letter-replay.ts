import { deadLetterToRecord, type DeadLetterSink } from '../dead-letter.js';
import { isOnFailureMessage } from '../event/on-failure.js';
import type { KafkaRecord } from '../event/record.js';
import type { DeadLetterQueue, DeadLetterReader, QueuedMessage, RecordWriter } from './ports.js';

/**
 * Replay of dead letters by a person (the CLI's `replay`): from a file of
 * dead-letter messages or by draining a dead-letter queue. Each record keeps
 * its Kafka timestamp, so the replayed write carries the original write time
 * and never overwrites newer data. A record that still fails is reported and
 * its message kept; nothing is dead-lettered again.
 */

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

export interface DeadLetterReplayer {
  replay(items: readonly ReplayItem[]): Promise<ReplayResult[]>;
}

export interface DeadLetterReplayPorts {
  readonly writer: RecordWriter;
  readonly deadLetters: DeadLetterReader;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Replay re-sends nothing to a queue: a record that is still poison is reported and its message kept. */
const keepInPlace: DeadLetterSink = { send: () => Promise.resolve() };

/** Time a replay of one set of items may take before writes stop. */
const REPLAY_TIME_MS = 120_000;

export function createDeadLetterReplayer(ports: DeadLetterReplayPorts): DeadLetterReplayer {
  const now = ports.now ?? Date.now;
  const attempts = new WeakMap<KafkaRecord, number>();
  const run = ports.writer.runner({ deadLetters: keepInPlace, attemptOf: (record) => attempts.get(record) ?? 1 });

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
        results.set(item.id, {
          id: item.id,
          status: 'skipped',
          error: 'an event source on-failure message (offsets only): replay it with the replay function, which re-reads Kafka',
        });
        continue;
      }
      try {
        const letter = await ports.deadLetters.read(item.body);
        const record = deadLetterToRecord(letter);
        attempts.set(record, letter.attempt + 1);
        owners.set(record, item.id);
      } catch (error) {
        results.set(item.id, { id: item.id, status: 'unreadable', error: error instanceof Error ? error.message : String(error) });
      }
    }
    // Kafka order within a partition, as the original delivery had it.
    const records = [...owners.keys()].sort((a, b) =>
      a.topic !== b.topic
        ? a.topic < b.topic
          ? -1
          : 1
        : a.partition !== b.partition
          ? a.partition - b.partition
          : Number(BigInt(a.offset) - BigInt(b.offset)),
    );
    if (records.length > 0) {
      const outcomes = await run(records, { deadlineMs: now() + REPLAY_TIME_MS });
      for (const outcome of outcomes) {
        const id = owners.get(outcome.record) ?? '?';
        const location = `${outcome.record.topic}-${String(outcome.record.partition)}@${outcome.record.offset}`;
        if (outcome.status === 'written') results.set(id, { id, location, status: 'written' });
        else
          results.set(id, {
            id,
            location,
            status: outcome.status === 'dead-lettered' ? 'still-poison' : 'failed',
            error: outcome.error.message,
          });
      }
    }
    return items.map((item) => results.get(item.id) ?? { id: item.id, status: 'failed', error: 'no outcome' });
  }

  return { replay };
}

export function summarizeReplay(results: readonly ReplayResult[]): ReplaySummary {
  const written = results.filter((r) => r.status === 'written').length;
  return { results, written, notWritten: results.length - written };
}

export interface DrainOptions {
  /** Stop after this many messages (default: until the queue is drained). */
  readonly maxMessages?: number;
  readonly onBatch?: (results: readonly ReplayResult[]) => void;
}

/**
 * Drains the queue: receive up to 10, replay, delete the written ones. Messages
 * that were not written stay in the queue and become visible again at the end
 * (they are never received twice in one drain).
 */
export async function drainDeadLetterQueue<M extends QueuedMessage>(
  queue: DeadLetterQueue<M>,
  replayer: DeadLetterReplayer,
  options: DrainOptions = {},
): Promise<ReplaySummary> {
  const all: ReplayResult[] = [];
  const kept: M[] = [];
  const seen = new Set<string>();
  const max = options.maxMessages ?? Number.POSITIVE_INFINITY;
  try {
    while (all.length < max) {
      const messages = (await queue.receive(Math.min(10, max - all.length))).filter((m) => !seen.has(m.id));
      if (messages.length === 0) break;
      for (const m of messages) seen.add(m.id);
      const results = await replayer.replay(messages.map((m) => ({ id: m.id, body: m.body })));
      const written = new Set(results.filter((r) => r.status === 'written').map((r) => r.id));
      const toDelete = messages.filter((m) => written.has(m.id));
      kept.push(...messages.filter((m) => !written.has(m.id)));
      if (toDelete.length > 0) await queue.delete(toDelete);
      all.push(...results);
      options.onBatch?.(results);
    }
  } finally {
    // What was not written is visible again for the next replay (or the console).
    await queue.release(kept);
  }
  return summarizeReplay(all);
}
