/** What the poller tells its owner as it runs (progress display, logs, tests). */
import type { EventEmitter } from 'node:events';
import type { PollerStats } from './stats.js';
import type { OnFailureInvocationRecord } from './types.js';

export interface InvocationReport {
  readonly requestId: string;
  readonly records: number;
  readonly partitions: readonly string[];
  readonly durationMs: number;
  readonly outcome: 'success' | 'partial' | 'failure';
  readonly reason?: string;
}

export interface PollerEvents {
  invocation: [report: InvocationReport];
  commit: [commit: { topic: string; partition: number; offset: bigint }];
  discarded: [record: OnFailureInvocationRecord];
  stats: [stats: PollerStats];
  /** Non-fatal problems (a failed commit, a failed on-failure send, a lag refresh error). */
  warning: [error: Error];
  /** The consumer failed; the poller stopped. */
  fatal: [error: Error];
}

export type PollerEventEmitter = EventEmitter<PollerEvents>;
