/**
 * Scheduling: when what runs. Picks the next batch from the partitions'
 * buffers (batch size, batching window, backoff, one invocation per
 * partition, at most `maxConcurrency` at once), finds records past their
 * maximum age and filtered offsets waiting for a commit, and runs each piece
 * of work as the owner of its partitions until it settles. The decisions are
 * the pure functions below; the Scheduler adds the timer and the bookkeeping.
 */
import { randomUUID } from 'node:crypto';
import { countExpired, selectBatch, type BatchingOptions, type PartitionView } from './decisions.js';
import type { Abandonable } from './invocation.js';
import type { PartitionRecords, PartitionState, PartitionTable } from './partitions.js';

/** What the batcher sees of each partition. */
export function partitionViews(partitions: Iterable<PartitionState>, now: number): PartitionView[] {
  const views: PartitionView[] = [];
  for (const state of partitions) {
    const first = state.buffer[0];
    views.push({
      key: state.key,
      available: state.buffer.length,
      limit: state.retry?.limit ?? Number.POSITIVE_INFINITY,
      oldestArrivedAt: first?.arrivedAt ?? now,
      inFlight: state.inFlight,
      notBefore: state.notBefore,
      retrying: state.retry !== undefined,
    });
  }
  return views;
}

export type ReadyBatch =
  | { readonly kind: 'idle' }
  | { readonly kind: 'wait'; readonly until: number }
  | { readonly kind: 'invoke'; readonly parts: readonly PartitionRecords[] };

/** The next batch to invoke: the leading records of the ready partitions, or when to look again, or nothing to do. */
export function readyBatch(partitions: PartitionTable, now: number, batching: BatchingOptions): ReadyBatch {
  const selection = selectBatch(partitionViews(partitions.values(), now), now, batching);
  if (selection.kind !== 'invoke') return selection;
  const parts: PartitionRecords[] = [];
  for (const { key, count } of selection.take) {
    const state = partitions.get(key);
    if (state === undefined) continue;
    parts.push({ state, records: state.buffer.slice(0, count) });
  }
  return { kind: 'invoke', parts };
}

/** MaximumRecordAgeInSeconds: the leading records of idle partitions that are older than that (never sent; they go to the on-failure destination). */
export function expiredRecords(partitions: Iterable<PartitionState>, now: number, maximumRecordAgeSeconds: number): PartitionRecords[] {
  if (maximumRecordAgeSeconds < 0) return [];
  const ranges: PartitionRecords[] = [];
  for (const state of partitions) {
    if (state.inFlight) continue;
    const expired = countExpired(
      state.buffer.map((r) => Number(r.timestamp)),
      now,
      maximumRecordAgeSeconds,
    );
    if (expired > 0) ranges.push({ state, records: state.buffer.slice(0, expired) });
  }
  return ranges;
}

/** Idle partitions with nothing left to process whose filtered records are past their committed offset: commit up to `to`. */
export function skippedCommits(partitions: Iterable<PartitionState>): { state: PartitionState; to: bigint }[] {
  const commits: { state: PartitionState; to: bigint }[] = [];
  for (const state of partitions) {
    const skippedTo = state.skippedTo;
    if (skippedTo === null || state.inFlight || state.buffer.length > 0 || skippedTo <= (state.committed ?? -1n)) continue;
    commits.push({ state, to: skippedTo });
  }
  return commits;
}

export interface SchedulerOptions extends BatchingOptions {
  readonly partitions: PartitionTable;
  /** Invocations (and discards) in flight at once. */
  readonly maxConcurrency: number;
  /** -1: records never expire. */
  readonly maximumRecordAgeSeconds: number;
  readonly isRunning: () => boolean;
  readonly invoke: (requestId: string, parts: readonly PartitionRecords[], entry: Abandonable) => Promise<void>;
  readonly discardExpired: (requestId: string, ranges: readonly PartitionRecords[]) => Promise<void>;
  readonly commitSkipped: (state: PartitionState, to: bigint) => Promise<void>;
  readonly warn: (error: unknown) => void;
}

/** A piece of work that owns its partitions until its promise settles. */
export interface TrackedWork {
  promise: Promise<void>;
  abandoned: boolean;
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #inFlight = new Map<string, TrackedWork>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Invocations, discards and skip commits running now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The work running now (stop() waits for it, then marks it abandoned). */
  pending(): TrackedWork[] {
    return [...this.#inFlight.values()];
  }

  /** Looks for work at `at` (ms), unless a look is due earlier already. */
  schedule(at: number): void {
    if (!this.#options.isRunning()) return;
    if (at >= this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** No more looks (work in flight runs on). */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #pump(): void {
    const o = this.#options;
    // Skip commits are owned like an invocation, so commits of one partition never overlap.
    for (const { state, to } of skippedCommits(o.partitions.values())) this.#track(randomUUID(), [state], () => o.commitSkipped(state, to));
    while (o.isRunning() && this.#inFlight.size < o.maxConcurrency) {
      const now = Date.now();
      const expired = expiredRecords(o.partitions.values(), now, o.maximumRecordAgeSeconds);
      if (expired.length > 0) {
        const requestId = randomUUID();
        this.#track(
          requestId,
          expired.map((r) => r.state),
          () => o.discardExpired(requestId, expired),
        );
      }
      const batch = readyBatch(o.partitions, now, o);
      if (batch.kind === 'idle') return;
      if (batch.kind === 'wait') {
        this.schedule(batch.until);
        return;
      }
      const requestId = randomUUID();
      this.#track(
        requestId,
        batch.parts.map((p) => p.state),
        (entry) => o.invoke(requestId, batch.parts, entry),
      );
    }
  }

  /** Runs work that owns `owned` partitions (no other invocation or discard may touch them meanwhile). */
  #track(id: string, owned: readonly PartitionState[], work: (entry: Abandonable) => Promise<void>): void {
    for (const state of owned) state.inFlight = true;
    const entry: TrackedWork = { promise: Promise.resolve(), abandoned: false };
    this.#inFlight.set(id, entry);
    entry.promise = work(entry)
      .catch(this.#options.warn)
      .finally(() => {
        this.#inFlight.delete(id);
        for (const state of owned) state.inFlight = false;
        this.schedule(Date.now());
      });
  }
}
