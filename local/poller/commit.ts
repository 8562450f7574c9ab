/**
 * Commit: moves a partition's position. Drops the records below it from the
 * buffer, steps past filtered records that follow, and commits the position
 * to the consumer group. Only the unit that owns the partition at that moment
 * (an invocation, a discard) calls it, so commits of one partition never overlap.
 */
import type { Consumer } from '@platformatic/kafka';
import { describeError } from './decisions.js';
import type { PollerEventEmitter } from './events.js';
import type { PartitionState } from './partitions.js';

export interface CommitterOptions {
  /** The consumer, or undefined once stopped (then positions move in memory only). */
  readonly consumer: () => Consumer | undefined;
  /** `count` buffered records are done (intake's record budget). */
  readonly released: (count: number) => void;
  readonly events: PollerEventEmitter;
  readonly warn: (error: unknown) => void;
}

/**
 * The position to commit once everything below `processedTo` is done: past
 * the filtered records up to the next record left to process.
 */
export function commitPosition(processedTo: bigint, skippedTo: bigint | null, nextBuffered: bigint | undefined): bigint {
  const skipped = skippedTo ?? processedTo;
  if (skipped <= processedTo) return processedTo;
  return nextBuffered !== undefined && nextBuffered < skipped ? nextBuffered : skipped;
}

export class Committer {
  readonly #options: CommitterOptions;

  constructor(options: CommitterOptions) {
    this.#options = options;
  }

  /** Drops records below `processedTo` from the buffer and commits `processedTo` (or past the filtered records that follow it). */
  async advance(state: PartitionState, processedTo: bigint): Promise<void> {
    let dropped = 0;
    while (state.buffer.length > 0 && (state.buffer[0]?.offset ?? processedTo) < processedTo) {
      state.buffer.shift();
      dropped++;
    }
    this.#options.released(dropped);
    const position = commitPosition(processedTo, state.skippedTo, state.buffer[0]?.offset);
    const leaderEpoch = state.buffer[0]?.leaderEpoch ?? -1;
    state.committed = position;
    const consumer = this.#options.consumer();
    if (consumer === undefined) return;
    try {
      await consumer.commit({ offsets: [{ topic: state.topic, partition: state.partition, offset: position, leaderEpoch }] });
      this.#options.events.emit('commit', { topic: state.topic, partition: state.partition, offset: position });
    } catch (error) {
      this.#options.warn(new Error(`commit of ${state.key} at ${String(position)} failed: ${describeError(error)}`));
    }
  }
}
