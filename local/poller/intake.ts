/**
 * Intake: what comes from Kafka. Accepts fetched records into their
 * partition's buffer (skipping refetches, revoked partitions and filtered
 * records), keeps the buffer within its record budget by pausing the stream,
 * and drops the partitions a rebalance took away.
 */
import { Admin, ConfigResourceTypes, type AdminOptions, type Message, type MessagesStream } from '@platformatic/kafka';
import type { RecordFilter } from '../../lambdas/core/filter/index.js';
import { describeError } from './decisions.js';
import type { PartitionTable } from './partitions.js';
import type { PollerCounters } from './stats.js';
import type { KafkaTimestampType } from './types.js';

export interface IntakeOptions {
  readonly partitions: PartitionTable;
  readonly filter: RecordFilter;
  /** The record budget: the stream pauses at this many buffered records and resumes below half of it. */
  readonly maxBuffered: number;
  readonly counters: PollerCounters;
  readonly isRunning: () => boolean;
  /** Whether this member owns the partition now (the consumer's current assignment). */
  readonly isAssigned: (topic: string, partition: number) => boolean;
  /** Something arrived (or was skipped) on a partition: time to look for a batch. */
  readonly onArrival: () => void;
  readonly warn: (error: unknown) => void;
}

/** The no-op deserializer hands a null key, value or header value over as undefined, whatever the types say. */
function orNull(bytes: Buffer | undefined): Buffer | null {
  return bytes ?? null;
}

export class Intake {
  readonly #options: IntakeOptions;
  readonly #timestampTypes = new Map<string, KafkaTimestampType>();
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  #paused = false;
  #buffered = 0;

  constructor(options: IntakeOptions) {
    this.#options = options;
  }

  /** Records held in the buffers of all partitions. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Reads each topic's message.timestamp.type (the event's timestampType); CREATE_TIME when it cannot. */
  async readTimestampTypes(adminOptions: AdminOptions, topics: readonly string[]): Promise<void> {
    const admin = new Admin(adminOptions);
    try {
      const described = await admin.describeConfigs({
        resources: topics.map((topic) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configurationKeys: ['message.timestamp.type'],
        })),
      });
      for (const resource of described) {
        const value = resource.configs.find((c) => c.name === 'message.timestamp.type')?.value;
        this.#timestampTypes.set(resource.resourceName, value === 'LogAppendTime' ? 'LOG_APPEND_TIME' : 'CREATE_TIME');
      }
    } catch (error) {
      this.#options.warn(new Error(`could not read message.timestamp.type, assuming CREATE_TIME: ${describeError(error)}`));
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  /** Takes records from `stream` from now on. */
  attach(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): void {
    this.#stream = stream;
    stream.on('data', (message: Message) => {
      this.accept(message);
    });
  }

  /** Forgets the stream and returns it, for the caller to close. */
  detach(): MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined {
    const stream = this.#stream;
    this.#stream = undefined;
    return stream;
  }

  /** Forgets every buffered record (the caller clears the partitions). */
  clear(): void {
    this.#buffered = 0;
  }

  accept(message: Message): void {
    const { partitions, counters } = this.#options;
    if (!this.#options.isRunning()) return;
    const { topic, partition } = message;
    // A fetch that was in flight across a rebalance can still deliver a revoked partition.
    if (!this.#options.isAssigned(topic, partition)) return;
    const state = partitions.ensure(topic, partition);
    // After a rebalance the stream restarts from the committed offset; what we hold already is kept.
    if (state.nextFetch !== null && message.offset < state.nextFetch) return;
    state.nextFetch = message.offset + 1n;
    if (!this.#options.filter.matches({ value: orNull(message.value) })) {
      // Never delivered; its offset is committed with (or, on an idle partition, instead of) the records around it.
      counters.recordsFiltered++;
      state.skippedTo = message.offset + 1n;
      this.#options.onArrival();
      return;
    }
    state.buffer.push({
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp,
      timestampType: this.#timestampTypes.get(topic) ?? 'CREATE_TIME',
      key: orNull(message.key),
      value: orNull(message.value),
      headers: message.headerEntries.map(([name, value]) => [name.toString('utf8'), orNull(value)] as const),
      leaderEpoch: message.leaderEpoch,
      arrivedAt: Date.now(),
    });
    this.#buffered++;
    if (!this.#paused && this.#buffered >= this.#options.maxBuffered) {
      this.#paused = true;
      this.#stream?.pause();
    }
    this.#options.onArrival();
  }

  /** `count` buffered records are gone (committed, discarded or revoked): the stream resumes once the buffers are below half the budget. */
  released(count: number): void {
    this.#buffered -= count;
    if (this.#paused && this.#buffered < this.#options.maxBuffered / 2 && this.#options.isRunning()) {
      this.#paused = false;
      this.#stream?.resume();
    }
  }

  /** After a rebalance: drops partitions this member no longer owns; an in-flight invocation for one will not commit. */
  dropRevoked(): void {
    const { partitions } = this.#options;
    for (const state of [...partitions.values()]) {
      if (this.#options.isAssigned(state.topic, state.partition)) continue;
      this.released(state.buffer.length);
      partitions.delete(state.key);
      // So that a later reassignment starts from the committed offset (or the starting position), not from our old fetch position.
      this.#stream?.offsetsToFetch.delete(`${state.topic}:${String(state.partition)}`);
    }
  }
}
