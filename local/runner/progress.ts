/** The progress line the local runner prints every couple of seconds. */
import type { PollerStats } from '../poller/index.js';

export interface SinkCounts {
  /** Records the core wrote to every table. */
  written: number;
  /** Poison records sent to the dead-letter queue. */
  deadLettered: number;
  /** Records reported back for redelivery (transient failures; counted again on each retry). */
  failed: number;
}

const number = new Intl.NumberFormat('en-US');

function format(n: number | bigint): string {
  return number.format(n);
}

/**
 * e.g. `12:00:04  1,830 rec/s  lag orders-0=120 orders-1=0 orders-2=64 (184)  written 9,410  dead-lettered 12  failed 0`
 */
export function formatProgress(stats: PollerStats, counts: SinkCounts, now: Date = new Date()): string {
  const time = now.toISOString().slice(11, 19);
  const lag =
    stats.partitions.length === 0
      ? 'lag -'
      : `lag ${stats.partitions.map((p) => `${p.topic}-${String(p.partition)}=${p.lag === null ? '?' : format(p.lag)}`).join(' ')}${stats.totalLag === null ? '' : ` (${format(stats.totalLag)})`}`;
  const extras = [
    stats.partialFailures > 0 ? `partial batches ${format(stats.partialFailures)}` : '',
    stats.failedInvocations > 0 ? `failed invocations ${format(stats.failedInvocations)}` : '',
    stats.recordsDiscarded > 0 ? `discarded to on-failure ${format(stats.recordsDiscarded)}` : '',
  ].filter((part) => part !== '');
  return [
    time,
    `${format(stats.recordsPerSecond)} rec/s`,
    lag,
    `written ${format(counts.written)}`,
    `dead-lettered ${format(counts.deadLettered)}`,
    `failed ${format(counts.failed)}`,
    ...extras,
  ].join('  ');
}
