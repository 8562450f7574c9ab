import { Consumer, type RecordsBatch } from '@platformatic/kafka';
import { PoisonRecordError, TransientError, describeLocation } from '../../core/errors.js';
import type { KafkaRecord } from '../../core/event/record.js';
import type { OffsetRange } from '../../core/event/on-failure.js';
import type { RefetchedRecords } from '../../core/replay/ports.js';
import { kafkaClientOptions } from './clients.js';
import type { KafkaConnection } from './connection.js';

/**
 * Re-reads the records of an event source mapping's on-failure message from
 * Kafka, for the replay handler (its KafkaRefetcher port) and `check --sample`:
 * the on-failure message (SQS/SNS) only carries offsets, so the records have
 * to be fetched again by offset.
 *
 * Reading uses Fetch requests against each partition's leader (no consumer
 * group is joined, nothing is committed), from the first offset until the last
 * one is passed or the partition's end is reached. Control records and
 * records of aborted transactions are skipped (read_committed), as a consumer
 * would.
 */

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

export interface RefetchOptions {
  /** Give up (TransientError) when this much time has passed; default 30 s. */
  readonly timeoutMs?: number;
  /** Bytes per partition per Fetch; default 4 MiB. */
  readonly partitionMaxBytes?: number;
}

/** The records read and the ranges Kafka no longer has (the core's port type). */
export type RefetchResult = RefetchedRecords;

const OFFSET_OUT_OF_RANGE = 1;
const ATTR_TIMESTAMP_LOG_APPEND = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const READ_COMMITTED = 1;

/** Reads every record in the given inclusive offset ranges, in range order and offset order. */
export async function refetchRecords(
  connection: KafkaConnection,
  ranges: readonly OffsetRange[],
  options: RefetchOptions = {},
): Promise<RefetchResult> {
  if (ranges.length === 0) return { records: [], missing: [] };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const consumer = new Consumer({
    clientId: 'kafka-cql-sink-replay',
    // Required by the client; no group is joined (only Metadata and Fetch are sent).
    groupId: `kafka-cql-sink-replay-${process.pid}`,
    bootstrapBrokers: [...connection.bootstrapServers],
    ...kafkaClientOptions(connection.auth, connection.ca),
    timeout: 10_000,
    retries: 2,
  });
  try {
    const topics = [...new Set(ranges.map((range) => range.topic))];
    let metadata;
    try {
      metadata = await consumer.metadata({ topics, autocreateTopics: false });
    } catch (error) {
      throw new TransientError(
        `reading Kafka metadata for ${topics.join(', ')} from ${connection.bootstrapServers.join(',')} failed: ${errorText(error)}`,
        { cause: error },
      );
    }
    let ends;
    try {
      // Where each partition ends for a read_committed reader (its last stable offset).
      ends = await consumer.listOffsets({ topics: topics.filter((t) => metadata.topics.has(t)), isolationLevel: READ_COMMITTED });
    } catch (error) {
      throw new TransientError(`listing the end offsets of ${topics.join(', ')} failed: ${errorText(error)}`, { cause: error });
    }
    const records: KafkaRecord[] = [];
    const missing: OffsetRange[] = [];
    for (const range of ranges) {
      const topic = metadata.topics.get(range.topic);
      const partition = topic?.partitions[range.partition];
      if (topic === undefined || partition === undefined) {
        missing.push(range);
        continue;
      }
      const end = ends.get(range.topic)?.[range.partition] ?? 0n;
      const target = { topicId: topic.id, leader: partition.leader, leaderEpoch: partition.leaderEpoch, end };
      const read = await readRange(consumer, target, range, options.partitionMaxBytes ?? 4 * 1024 * 1024, deadline);
      records.push(...read.records);
      if (read.missing !== undefined) missing.push(read.missing);
    }
    return { records, missing };
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}

interface PartitionTarget {
  readonly topicId: string;
  readonly leader: number;
  readonly leaderEpoch: number;
  /** The first offset not (yet) readable. */
  readonly end: bigint;
}

async function readRange(
  consumer: Consumer,
  target: PartitionTarget,
  range: OffsetRange,
  partitionMaxBytes: number,
  deadline: number,
): Promise<{ records: KafkaRecord[]; missing?: OffsetRange }> {
  const first = BigInt(range.firstOffset);
  const last = BigInt(range.lastOffset);
  const records: KafkaRecord[] = [];
  const aborted = new Map<bigint, bigint>(); // producerId -> first offset of its aborted transaction
  let next = first;
  while (next <= last && next < target.end) {
    if (Date.now() > deadline)
      throw new TransientError(`re-reading ${describeLocation({ ...range, offset: next.toString() })} from Kafka timed out`);
    let response: FetchResponse;
    try {
      response = await consumer.fetch({
        node: target.leader,
        topics: [
          {
            topicId: target.topicId,
            partitions: [
              {
                partition: range.partition,
                fetchOffset: next,
                currentLeaderEpoch: target.leaderEpoch,
                lastFetchedEpoch: -1,
                partitionMaxBytes,
              },
            ],
          },
        ],
        minBytes: 1,
        maxBytes: partitionMaxBytes,
        maxWaitTime: 500,
        isolationLevel: READ_COMMITTED,
      });
    } catch (error) {
      throw new TransientError(
        `fetching ${describeLocation({ ...range, offset: next.toString() })} from Kafka failed: ${errorText(error)}`,
        { cause: error },
      );
    }
    const part = response.responses[0]?.partitions.find((p) => p.partitionIndex === range.partition);
    if (part === undefined) throw new TransientError(`Kafka answered a fetch of ${range.topic}/${range.partition} without that partition`);
    if (part.errorCode === OFFSET_OUT_OF_RANGE) {
      // Below the log start (retention) or past the end: what is left of the range cannot be read.
      if (next < part.logStartOffset && part.logStartOffset <= last) {
        const gap = { ...range, firstOffset: next.toString(), lastOffset: (part.logStartOffset - 1n).toString() };
        const rest = await readRange(
          consumer,
          target,
          { ...range, firstOffset: part.logStartOffset.toString() },
          partitionMaxBytes,
          deadline,
        );
        return { records: [...records, ...rest.records], missing: rest.missing ?? gap };
      }
      return { records, missing: { ...range, firstOffset: next.toString() } };
    }
    if (part.errorCode !== 0)
      throw new TransientError(`Kafka fetch of ${range.topic}/${range.partition}@${next} failed with error code ${part.errorCode}`);
    for (const txn of part.abortedTransactions ?? []) aborted.set(txn.producerId, txn.firstOffset);
    let progressed = false;
    for (const batch of part.records ?? []) {
      const batchEnd = batch.firstOffset + BigInt(batch.lastOffsetDelta);
      if (batchEnd >= next) progressed = true;
      if (batchEnd + 1n > next) next = batchEnd + 1n;
      if ((batch.attributes & ATTR_CONTROL) !== 0) {
        // A commit/abort marker closes the producer's transaction.
        aborted.delete(batch.producerId);
        continue;
      }
      const abortedFrom = aborted.get(batch.producerId);
      if ((batch.attributes & ATTR_TRANSACTIONAL) !== 0 && abortedFrom !== undefined && abortedFrom <= batch.firstOffset) continue;
      for (const record of batchRecords(range.topic, range.partition, batch)) {
        const offset = BigInt(record.offset);
        if (offset >= first && offset <= last) records.push(record);
      }
    }
    if (!progressed) {
      // Nothing at or after `next` although it is below the end: the end moved back (truncation) or the leader lags.
      if (next >= part.highWatermark) return { records, missing: { ...range, firstOffset: next.toString() } };
      throw new TransientError(
        `Kafka returned no records for ${range.topic}/${range.partition}@${next} below its high watermark ${part.highWatermark}`,
      );
    }
  }
  // The partition ends before the range does.
  if (next <= last) return { records, missing: { ...range, firstOffset: next.toString() } };
  return { records };
}

function batchRecords(topic: string, partition: number, batch: RecordsBatch): KafkaRecord[] {
  const logAppend = (batch.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0;
  return batch.records.map((record) => ({
    topic,
    partition,
    offset: (batch.firstOffset + BigInt(record.offsetDelta)).toString(),
    timestamp: Number(logAppend ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
    timestampType: logAppend ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    key: record.key,
    value: record.value,
    headers: record.headers.map(([name, value]) => ({ name: name?.toString('utf8') ?? '', value: value ?? Buffer.alloc(0) })),
  }));
}

/** For callers that must fail a replay whose records Kafka no longer has. */
export function missingRangesError(missing: readonly OffsetRange[]): PoisonRecordError {
  const list = missing.map((range) => `${range.topic}/${range.partition}@${range.firstOffset}..${range.lastOffset}`).join(', ');
  return new PoisonRecordError(`Kafka no longer has these offsets (retention or compaction), so they cannot be replayed: ${list}`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
