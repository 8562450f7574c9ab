/**
 * The poller's per-partition state, shared by its units: intake fills a
 * partition's buffer, scheduling reads it to pick batches, invocation sets its
 * retry state, commit drops what is done and moves its committed position.
 */
import type { RetryState } from './decisions.js';
import { partitionKey, type PolledRecord } from './event.js';

export interface BufferedRecord extends PolledRecord {
  readonly leaderEpoch: number;
  readonly arrivedAt: number;
}

export interface PartitionState {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  /** Unprocessed records from the position on, ascending. */
  buffer: BufferedRecord[];
  /** One past the highest offset accepted: lower offsets are refetches and are ignored. */
  nextFetch: bigint | null;
  committed: bigint | null;
  /** One past the highest offset the filters skipped: committed once nothing before it is left to process. */
  skippedTo: bigint | null;
  inFlight: boolean;
  retry: RetryState | undefined;
  notBefore: number;
  /** For the on-failure record: the last invocation that carried this partition's failed records. */
  lastRequestId: string | undefined;
  lastFunctionError: boolean;
  highWatermark: bigint | null;
}

/** Some of one partition's buffered records, as one invocation (or one discard) takes them. */
export interface PartitionRecords {
  readonly state: PartitionState;
  readonly records: BufferedRecord[];
}

export function newPartitionState(topic: string, partition: number): PartitionState {
  return {
    key: partitionKey(topic, partition),
    topic,
    partition,
    buffer: [],
    nextFetch: null,
    committed: null,
    skippedTo: null,
    inFlight: false,
    retry: undefined,
    notBefore: 0,
    lastRequestId: undefined,
    lastFunctionError: false,
    highWatermark: null,
  };
}

/** The partitions this member holds, by `topic:partition` key. A partition revoked by a rebalance is deleted; its old state object is then no longer current. */
export class PartitionTable {
  readonly #states = new Map<string, PartitionState>();

  get(key: string): PartitionState | undefined {
    return this.#states.get(key);
  }

  /** The partition's state, created empty on first sight. */
  ensure(topic: string, partition: number): PartitionState {
    const key = partitionKey(topic, partition);
    let state = this.#states.get(key);
    if (state === undefined) {
      state = newPartitionState(topic, partition);
      this.#states.set(key, state);
    }
    return state;
  }

  /** False once the partition was revoked (or revoked and assigned again) after `state` was taken. */
  isCurrent(state: PartitionState): boolean {
    return this.#states.get(state.key) === state;
  }

  delete(key: string): void {
    this.#states.delete(key);
  }

  clear(): void {
    this.#states.clear();
  }

  values(): IterableIterator<PartitionState> {
    return this.#states.values();
  }
}
