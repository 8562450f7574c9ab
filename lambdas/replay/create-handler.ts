import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { KafkaConnection, RefetchResult } from '../adapters/kafka-refetch.js';
import { refetchRecords } from '../adapters/kafka-refetch.js';
import { observability, observabilitySettings, publishHaltMetrics } from '../adapters/observability.js';
import type { SinkRuntime } from '../adapters/sink-runtime.js';
import { readDeadLetterBody } from '../adapters/sqs-dead-letter.js';
import { deadLetterToRecord } from '../core/dead-letter.js';
import { ConfigError, PoisonRecordError, TransientError } from '../core/errors.js';
import { decodeEvent } from '../core/event/decode.js';
import { isOnFailureMessage, parseOnFailureMessage, type OffsetRange } from '../core/event/on-failure.js';
import type { KafkaRecord } from '../core/event/record.js';
import { NO_FILTER, type RecordFilter } from '../core/filter/index.js';
import type { RecordOutcome } from '../core/outcome.js';
import { haltLogFields, summarizeHalts } from '../core/batch/halts.js';

export interface ReplayDeps {
  /** How to reach Kafka for on-failure messages, which carry offsets only. */
  readonly kafka: () => Promise<KafkaConnection>;
  readonly refetch?: (connection: KafkaConnection, ranges: readonly OffsetRange[]) => Promise<RefetchResult>;
  /** As for the sink handler: no write starts later than this before the deadline. Default 3,000 ms. */
  readonly stopWritesBeforeDeadlineMs?: number;
  /**
   * The event source mappings' filters (KAFKA_FILTERS): records of an
   * on-failure range that the mapping never delivered are skipped, not
   * written. Default: none, every record of the range is written.
   */
  readonly filter?: RecordFilter;
}

interface Loaded {
  readonly message: SQSRecord;
  readonly records: readonly KafkaRecord[];
  /** Dead letters replay with their own write time and attempt count; on-failure batches are first tries. */
  readonly kind: 'dead-letter' | 'on-failure';
}

const inRanges = (ranges: readonly OffsetRange[]) => (record: KafkaRecord): boolean =>
  ranges.some((range) => range.topic === record.topic && range.partition === record.partition && BigInt(record.offset) >= BigInt(range.firstOffset) && BigInt(record.offset) <= BigInt(range.lastOffset));

/**
 * The replay queue handler (SQS, ReportBatchItemFailures). The queue gets what
 * the console's "Start DLQ redrive" moves out of the dead-letter queue:
 *  - our dead-letter messages (inline or an S3 pointer): the record is written
 *    again with its original Kafka timestamp as write time, so a replay never
 *    overwrites newer data. If it still cannot be written, its message is
 *    reported failed and goes back to the dead-letter queue by the replay
 *    queue's redrive policy: never a second, diverging copy.
 *  - the event source mapping's on-failure messages (offsets only): the
 *    records are read again from Kafka (or taken from an S3 destination's
 *    payload), those the mapping's filters skip are left out (deps.filter),
 *    and the rest run like a fresh batch; poison ones are dead-lettered.
 * A message that is neither is reported failed, so it returns to the
 * dead-letter queue for a person to look at.
 */
export function createReplayHandler(runtime: SinkRuntime, deps: ReplayDeps) {
  const { logger } = observability();
  const margin = deps.stopWritesBeforeDeadlineMs ?? 3_000;
  const refetch = deps.refetch ?? ((connection, ranges) => refetchRecords(connection, ranges));
  const attempts = new WeakMap<KafkaRecord, number>();
  // Poison dead letters are not sent to the queue again: the message itself fails and returns there.
  const replayRun = runtime.runner({ deadLetters: { send: () => Promise.resolve() }, attemptOf: (record) => attempts.get(record) ?? 1 });

  const filter = deps.filter ?? NO_FILTER;
  /**
   * An on-failure range spans every offset between the batch's first and last
   * record, including those the mapping's filters skipped: they are skipped
   * here too, and counted.
   */
  const delivered = (message: SQSRecord, records: readonly KafkaRecord[]): KafkaRecord[] => {
    const kept = records.filter((record) => filter.matches(record));
    if (kept.length < records.length) logger.info('records skipped by the event source filters', { messageId: message.messageId, filtered: records.length - kept.length, kept: kept.length });
    return kept;
  };

  const load = async (message: SQSRecord): Promise<Loaded> => {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      throw new PoisonRecordError(`message ${message.messageId} is not JSON`);
    }
    if (isOnFailureMessage(body)) {
      const batch = parseOnFailureMessage(body);
      if (batch.payload !== undefined) return { message, kind: 'on-failure', records: delivered(message, decodeEvent(batch.payload).filter(inRanges(batch.ranges))) };
      const result = await refetch(await deps.kafka(), batch.ranges);
      if (result.missing.length > 0) {
        // Gone from Kafka (retention or compaction): nothing left to write. Kept visible, not dropped silently.
        logger.error('records of an on-failure batch are no longer in Kafka', { messageId: message.messageId, missing: result.missing });
      }
      return { message, kind: 'on-failure', records: delivered(message, result.records) };
    }
    const letter = await readDeadLetterBody(message.body, runtime.s3);
    const record = deadLetterToRecord(letter);
    attempts.set(record, letter.attempt + 1);
    return { message, kind: 'dead-letter', records: [record] };
  };

  const handle = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - margin;
    const failed = new Set<string>();
    const loaded: Loaded[] = [];
    for (const message of event.Records) {
      try {
        loaded.push(await load(message));
      } catch (error) {
        failed.add(message.messageId);
        const kind = error instanceof ConfigError || error instanceof PoisonRecordError || error instanceof TransientError ? error.kind : 'transient';
        logger.error('replay message could not be read', { messageId: message.messageId, kind, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const runAndCollect = async (items: Loaded[], run: SinkRuntime['run'], isFailure: (outcome: RecordOutcome) => boolean): Promise<RecordOutcome[]> => {
      const owner = new Map<KafkaRecord, string>();
      for (const item of items) for (const record of item.records) owner.set(record, item.message.messageId);
      const outcomes = await run([...owner.keys()], { deadlineMs });
      for (const outcome of outcomes) {
        if (!isFailure(outcome)) continue;
        const messageId = owner.get(outcome.record);
        if (messageId !== undefined) failed.add(messageId);
        logger.warn(`replayed record ${outcome.status}`, {
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
      ...(await runAndCollect(loaded.filter((item) => item.kind === 'dead-letter'), replayRun, (outcome) => outcome.status !== 'written')),
      // Held by the brake (a systemic failure) means failed too: the message stays in the replay queue, nothing is dead-lettered again.
      ...(await runAndCollect(loaded.filter((item) => item.kind === 'on-failure'), runtime.run, (outcome) => outcome.status === 'failed')),
    ];
    const halts = summarizeHalts(outcomes);
    for (const halt of halts) logger.error('replay halted: a systemic failure, nothing dead-lettered; the messages stay in the replay queue until the cause is fixed', haltLogFields(halt));
    publishHaltMetrics(
      observabilitySettings(),
      halts.flatMap((halt) => [...halt.heldByTopic].map(([topic, heldRecords]) => ({ topic, table: halt.error.halt.table, heldRecords }))),
    );
    logger.info('replay batch done', { messages: event.Records.length, failed: failed.size });
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };

  return middy<SQSEvent, SQSBatchResponse>({ timeoutEarlyInMillis: Math.min(500, margin) })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handle);
}
