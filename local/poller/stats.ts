/** The poller's counters and the stats snapshot for a progress display, with the lag it refreshes from Kafka. */
import { ListOffsetTimestamps, type Consumer } from '@platformatic/kafka';
import type { PartitionState, PartitionTable } from './partitions.js';

export interface PartitionStats {
  readonly topic: string;
  readonly partition: number;
  /** Last committed offset (next to process), or null if none yet. */
  readonly committed: bigint | null;
  readonly highWatermark: bigint | null;
  readonly lag: bigint | null;
  readonly buffered: number;
  readonly inFlight: boolean;
  readonly retries: number;
}

export interface PollerStats {
  readonly running: boolean;
  readonly uptimeMs: number;
  /** Records handed to the function, retries included. */
  readonly recordsDelivered: number;
  /** Records committed after a successful invocation. */
  readonly recordsProcessed: number;
  /** Records the filters skipped (never delivered, committed). */
  readonly recordsFiltered: number;
  /** Records processed per second over the last 10 s. */
  readonly recordsPerSecond: number;
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly timedOutInvocations: number;
  readonly partialFailures: number;
  readonly recordsDiscarded: number;
  readonly onFailureRecords: number;
  readonly inFlight: number;
  readonly buffered: number;
  readonly totalLag: bigint | null;
  readonly partitions: readonly PartitionStats[];
}

/** The counting part of the stats; the units add to it as things happen. */
export interface PollerCounters {
  recordsDelivered: number;
  recordsProcessed: number;
  recordsFiltered: number;
  invocations: number;
  failedInvocations: number;
  timedOutInvocations: number;
  partialFailures: number;
  recordsDiscarded: number;
  onFailureRecords: number;
}

/** What the stats snapshot reads from the rest of the poller at that moment. */
export interface PollerMoment {
  readonly now: number;
  readonly running: boolean;
  readonly startedAt: number;
  readonly inFlight: number;
  readonly buffered: number;
  readonly partitions: Iterable<PartitionState>;
}

const RATE_WINDOW_MS = 10_000;

export class PollerStatsBook {
  readonly counters: PollerCounters = {
    recordsDelivered: 0,
    recordsProcessed: 0,
    recordsFiltered: 0,
    invocations: 0,
    failedInvocations: 0,
    timedOutInvocations: 0,
    partialFailures: 0,
    recordsDiscarded: 0,
    onFailureRecords: 0,
  };
  readonly #processedLog: { at: number; count: number }[] = [];

  /** Records committed after a successful invocation, for the count and the rate. */
  processed(now: number, count: number): void {
    this.counters.recordsProcessed += count;
    this.#processedLog.push({ at: now, count });
  }

  snapshot(moment: PollerMoment): PollerStats {
    const { now } = moment;
    const log = this.#processedLog;
    while (log.length > 0 && (log[0]?.at ?? now) < now - RATE_WINDOW_MS) log.shift();
    const windowMs = Math.min(RATE_WINDOW_MS, Math.max(1, now - moment.startedAt));
    const recent = log.reduce((n, e) => n + e.count, 0);
    const partitions: PartitionStats[] = [...moment.partitions]
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
      .map((s) => {
        const position = s.committed ?? s.buffer[0]?.offset ?? null;
        const lag = s.highWatermark === null ? null : s.highWatermark - (position ?? 0n);
        return {
          topic: s.topic,
          partition: s.partition,
          committed: s.committed,
          highWatermark: s.highWatermark,
          lag: lag === null ? null : lag < 0n ? 0n : lag,
          buffered: s.buffer.length,
          inFlight: s.inFlight,
          retries: s.retry?.retries ?? 0,
        };
      });
    const known = partitions.filter((p) => p.lag !== null);
    return {
      running: moment.running,
      uptimeMs: moment.running ? now - moment.startedAt : 0,
      ...this.counters,
      recordsPerSecond: Math.round((recent * 1000) / windowMs),
      inFlight: moment.inFlight,
      buffered: moment.buffered,
      totalLag: known.length === 0 ? null : known.reduce((n, p) => n + (p.lag ?? 0n), 0n),
      partitions,
    };
  }
}

/** Reads the high watermarks and the group's committed offsets of the assigned partitions into their states. */
export async function refreshLag(consumer: Consumer, topics: readonly string[], partitions: PartitionTable): Promise<void> {
  const highWatermarks = await consumer.listOffsets({ topics: [...topics], timestamp: ListOffsetTimestamps.LATEST });
  const assignments = consumer.assignments ?? [];
  const committed: Map<string, bigint[]> =
    assignments.length > 0 ? await consumer.listCommittedOffsets({ topics: assignments }) : new Map<string, bigint[]>();
  for (const { topic, partitions: assigned } of assignments) {
    for (const partition of assigned) {
      const state = partitions.ensure(topic, partition);
      const groupOffset = committed.get(topic)?.[partition];
      state.highWatermark = highWatermarks.get(topic)?.[partition] ?? null;
      if (state.committed === null && groupOffset !== undefined && groupOffset >= 0n) state.committed = groupOffset;
    }
  }
}
