import { deadLetterToRecord } from '../dead-letter.js';
import { ConfigError, PoisonRecordError, TransientError } from '../errors.js';
import { decodeEvent } from '../event/decode.js';
import { isOnFailureMessage, parseOnFailureMessage, type OffsetRange } from '../event/on-failure.js';
import type { KafkaRecord } from '../event/record.js';
import { NO_FILTER, type RecordFilter } from '../filter/index.js';
import type { RunOptions } from '../batch/batch-runner.js';
import type { RecordOutcome } from '../outcome.js';
import { haltLogFields, summarizeHalts } from '../batch/halts.js';
import type { BatchRun, ReplayMessage, ReplayPorts } from './ports.js';

export interface ReplayOptions {
  /**
   * The event source mappings' filters (KAFKA_FILTERS): records of an
   * on-failure range that the mapping never delivered are skipped, not
   * written. Default: none, every record of the range is written.
   */
  readonly filter?: RecordFilter;
}

export interface Replay {
  /** Replays one batch of queue messages; resolves to the ids of the messages that failed, to go back to the dead-letter queue. */
  replay(messages: readonly ReplayMessage[], run: RunOptions): Promise<string[]>;
}

interface Loaded {
  readonly message: ReplayMessage;
  readonly records: readonly KafkaRecord[];
  /** Dead letters replay with their own write time and attempt count; on-failure batches are first tries. */
  readonly kind: 'dead-letter' | 'on-failure';
}

const inRanges =
  (ranges: readonly OffsetRange[]) =>
  (record: KafkaRecord): boolean =>
    ranges.some(
      (range) =>
        range.topic === record.topic &&
        range.partition === record.partition &&
        BigInt(record.offset) >= BigInt(range.firstOffset) &&
        BigInt(record.offset) <= BigInt(range.lastOffset),
    );

/**
 * Replay of the messages the console's "Start DLQ redrive" moves out of the
 * dead-letter queue:
 *  - our dead-letter messages (inline or an overflow pointer): the record is
 *    written again with its original Kafka timestamp as write time, so a
 *    replay never overwrites newer data. If it still cannot be written, its
 *    message is reported failed and goes back to the dead-letter queue by the
 *    replay queue's redrive policy: never a second, diverging copy.
 *  - the event source mapping's on-failure messages (offsets only): the
 *    records are read again from Kafka (or taken from an S3 destination's
 *    payload), those the mapping's filters skip are left out (options.filter),
 *    and the rest run like a fresh batch; poison ones are dead-lettered.
 * A message that is neither is reported failed, so it returns to the
 * dead-letter queue for a person to look at.
 */
export function createReplay(ports: ReplayPorts, options: ReplayOptions = {}): Replay {
  const { log } = ports;
  const attempts = new WeakMap<KafkaRecord, number>();
  // Poison dead letters are not sent to the queue again: the message itself fails and returns there.
  const replayRun = ports.writer.runner({
    deadLetters: { send: () => Promise.resolve() },
    attemptOf: (record) => attempts.get(record) ?? 1,
  });

  const filter = options.filter ?? NO_FILTER;
  /**
   * An on-failure range spans every offset between the batch's first and last
   * record, including those the mapping's filters skipped: they are skipped
   * here too, and counted.
   */
  const delivered = (message: ReplayMessage, records: readonly KafkaRecord[]): KafkaRecord[] => {
    const kept = records.filter((record) => filter.matches(record));
    if (kept.length < records.length)
      log.info('records skipped by the event source filters', {
        messageId: message.id,
        filtered: records.length - kept.length,
        kept: kept.length,
      });
    return kept;
  };

  const load = async (message: ReplayMessage): Promise<Loaded> => {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      throw new PoisonRecordError(`message ${message.id} is not JSON`);
    }
    if (isOnFailureMessage(body)) {
      const batch = parseOnFailureMessage(body);
      if (batch.payload !== undefined)
        return { message, kind: 'on-failure', records: delivered(message, decodeEvent(batch.payload).filter(inRanges(batch.ranges))) };
      const result = await ports.refetcher.refetch(batch.ranges);
      if (result.missing.length > 0) {
        // Gone from Kafka (retention or compaction): nothing left to write. Kept visible, not dropped silently.
        log.error('records of an on-failure batch are no longer in Kafka', { messageId: message.id, missing: result.missing });
      }
      return { message, kind: 'on-failure', records: delivered(message, result.records) };
    }
    const letter = await ports.deadLetters.read(message.body);
    const record = deadLetterToRecord(letter);
    attempts.set(record, letter.attempt + 1);
    return { message, kind: 'dead-letter', records: [record] };
  };

  const replay = async (messages: readonly ReplayMessage[], run: RunOptions): Promise<string[]> => {
    const failed = new Set<string>();
    const loaded: Loaded[] = [];
    for (const message of messages) {
      try {
        loaded.push(await load(message));
      } catch (error) {
        failed.add(message.id);
        const kind =
          error instanceof ConfigError || error instanceof PoisonRecordError || error instanceof TransientError ? error.kind : 'transient';
        log.error('replay message could not be read', {
          messageId: message.id,
          kind,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const runAndCollect = async (
      items: Loaded[],
      write: BatchRun,
      isFailure: (outcome: RecordOutcome) => boolean,
    ): Promise<RecordOutcome[]> => {
      const owner = new Map<KafkaRecord, string>();
      for (const item of items) for (const record of item.records) owner.set(record, item.message.id);
      const outcomes = await write([...owner.keys()], run);
      for (const outcome of outcomes) {
        if (!isFailure(outcome)) continue;
        const messageId = owner.get(outcome.record);
        if (messageId !== undefined) failed.add(messageId);
        log.warn(`replayed record ${outcome.status}`, {
          messageId,
          topic: outcome.record.topic,
          partition: outcome.record.partition,
          offset: outcome.record.offset,
          error: outcome.status === 'written' ? undefined : outcome.error.message,
        });
      }
      return outcomes;
    };
    const outcomes = [
      ...(await runAndCollect(
        loaded.filter((item) => item.kind === 'dead-letter'),
        replayRun,
        (outcome) => outcome.status !== 'written',
      )),
      // Held by the brake (a systemic failure) means failed too: the message stays in the replay queue, nothing is dead-lettered again.
      ...(await runAndCollect(
        loaded.filter((item) => item.kind === 'on-failure'),
        ports.writer.run,
        (outcome) => outcome.status === 'failed',
      )),
    ];
    const halts = summarizeHalts(outcomes);
    for (const halt of halts)
      log.error(
        'replay halted: a systemic failure, nothing dead-lettered; the messages stay in the replay queue until the cause is fixed',
        haltLogFields(halt),
      );
    ports.publishHalts(
      halts.flatMap((halt) => [...halt.heldByTopic].map(([topic, heldRecords]) => ({ topic, table: halt.error.halt.table, heldRecords }))),
    );
    log.info('replay batch done', { messages: messages.length, failed: failed.size });
    return [...failed];
  };

  return { replay };
}
