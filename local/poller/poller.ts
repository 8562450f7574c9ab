/**
 * A local Kafka event source mapping: one consumer group, ordered per-partition
 * batches, the MSK event JSON, a Lambda-like invocation with a timeout, commits
 * only after success, partial batch responses, retries with backoff, an
 * on-failure destination, and stats for a progress display.
 *
 * Records stay in the poller's buffer from the moment they are fetched until
 * they are committed (or discarded to the on-failure destination), so a retry
 * or a partial batch response rewinds a partition in memory, without seeking
 * the consumer. The buffer is bounded: the stream is paused while it is full.
 *
 * createPoller composes the units and owns the consumer's lifecycle:
 * intake.ts (fetched records into per-partition buffers, the record budget),
 * scheduling.ts (which batch runs when), invocation.ts (the function call and
 * its outcome), commit.ts and discard.ts (positions, the on-failure
 * destination), stats.ts; their pure decisions are in decisions.ts.
 */
import { EventEmitter } from 'node:events';
import { Consumer } from '@platformatic/kafka';
import { pollerAdminOptions, pollerConsumerOptions } from './client-options.js';
import { Committer } from './commit.js';
import { describeError } from './decisions.js';
import { Discarder } from './discard.js';
import type { PollerEvents } from './events.js';
import { Intake } from './intake.js';
import { Invoker } from './invocation.js';
import { resolvePollerSettings, type PollerOptions } from './options.js';
import { PartitionTable } from './partitions.js';
import { Scheduler } from './scheduling.js';
import { PollerStatsBook, refreshLag, type PollerStats } from './stats.js';

export { pollerAdminOptions, pollerConsumerOptions } from './client-options.js';
export type { InvocationReport, PollerEvents } from './events.js';
export type { PollerOptions } from './options.js';
export type { PartitionStats, PollerStats } from './stats.js';

export interface Poller {
  start(): Promise<void>;
  /** Stops fetching, lets in-flight invocations finish (within the grace period; later ones are abandoned uncommitted), leaves the group. */
  stop(): Promise<void>;
  stats(): PollerStats;
  /** Refreshes lag now (high watermarks and the group's committed offsets). */
  refreshLag(): Promise<void>;
  readonly events: EventEmitter<PollerEvents>;
}

export function createPoller(options: PollerOptions): Poller {
  const settings = resolvePollerSettings(options);
  const events = new EventEmitter<PollerEvents>();
  const partitions = new PartitionTable();
  const book = new PollerStatsBook();

  let consumer: Consumer | undefined;
  let running = false;
  let stopping: Promise<void> | undefined;
  let startedAt = 0;
  let statsTimer: NodeJS.Timeout | undefined;

  const warn = (error: unknown): void => {
    events.emit('warning', error instanceof Error ? error : new Error(describeError(error)));
  };
  const isRunning = (): boolean => running;

  const intake = new Intake({
    partitions,
    filter: settings.filter,
    maxBuffered: settings.maxBuffered,
    counters: book.counters,
    isRunning,
    isAssigned: (topic, partition) => consumer?.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false,
    onArrival: () => {
      scheduler.schedule(Date.now());
    },
    warn,
  });
  const committer = new Committer({
    consumer: () => consumer,
    released: (count) => {
      intake.released(count);
    },
    events,
    warn,
  });
  const source = {
    fn: settings.fn,
    eventSourceKind: settings.eventSourceKind,
    eventSourceArn: settings.eventSourceArn,
    bootstrapServers: options.bootstrapServers,
  };
  const discarder = new Discarder({
    ...source,
    groupId: options.groupId,
    onFailure: options.onFailure,
    retryAfterMs: settings.retry.backoff.initialMs,
    partitions,
    committer,
    counters: book.counters,
    events,
    warn,
  });
  const invoker = new Invoker({
    ...source,
    handler: options.handler,
    tombstones: settings.tombstones,
    reportBatchItemFailures: settings.reportBatchItemFailures,
    retry: settings.retry,
    partitions,
    committer,
    discarder,
    stats: book,
    events,
    connected: () => consumer !== undefined,
  });
  const scheduler: Scheduler = new Scheduler({
    partitions,
    batchSize: settings.batchSize,
    maximumBatchingWindowMs: settings.maximumBatchingWindowMs,
    maxConcurrency: settings.maxConcurrency,
    maximumRecordAgeSeconds: settings.maximumRecordAgeSeconds,
    isRunning,
    invoke: (requestId, parts, entry) => invoker.run(requestId, parts, entry),
    discardExpired: (requestId, ranges) =>
      discarder.discard(ranges, 'RecordAgeExceeded', { requestId, invocations: 0, invoked: false, functionError: false }),
    commitSkipped: (state, to) => committer.advance(state, to),
    warn,
  });

  const onGroupJoin = (): void => {
    intake.dropRevoked();
  };

  async function refresh(): Promise<void> {
    if (consumer === undefined) return;
    await refreshLag(consumer, options.topics, partitions);
  }

  function stats(): PollerStats {
    return book.snapshot({
      now: Date.now(),
      running,
      startedAt,
      inFlight: scheduler.inFlight,
      buffered: intake.buffered,
      partitions: partitions.values(),
    });
  }

  async function start(): Promise<void> {
    if (running || consumer !== undefined) throw new Error('poller already started');
    await intake.readTimestampTypes(pollerAdminOptions(options), options.topics);
    const c = new Consumer(pollerConsumerOptions(options));
    consumer = c;
    running = true;
    startedAt = Date.now();
    c.on('consumer:group:join', onGroupJoin);
    let stream;
    try {
      stream = await c.consume({
        topics: [...options.topics],
        mode: 'committed',
        fallbackMode: (options.startingPosition ?? 'TRIM_HORIZON') === 'LATEST' ? 'latest' : 'earliest',
        autocommit: false,
        maxBytesPerPartition: settings.maxBytesPerPartition,
      });
    } catch (error) {
      running = false;
      consumer = undefined;
      await c.close(true).catch(() => undefined);
      throw error;
    }
    intake.attach(stream);
    stream.on('error', (error: Error) => {
      if (!running) return;
      events.emit('fatal', error);
      void stop();
    });
    if (settings.statsIntervalMs > 0) {
      statsTimer = setInterval(() => {
        refresh()
          .catch(warn)
          .finally(() => {
            if (running) events.emit('stats', stats());
          });
      }, settings.statsIntervalMs);
    }
  }

  async function doStop(): Promise<void> {
    running = false;
    scheduler.cancel();
    if (statsTimer !== undefined) clearInterval(statsTimer);
    statsTimer = undefined;
    // In-flight invocations finish within the grace period or are abandoned: no commit either way once stopped.
    const pending = scheduler.pending();
    if (pending.length > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, settings.stopGraceMs);
      });
      await Promise.race([Promise.allSettled(pending.map((p) => p.promise)), grace]);
      clearTimeout(graceTimer);
      for (const p of pending) p.abandoned = true;
    }
    const c = consumer;
    const s = intake.detach();
    if (s !== undefined) await s.close().catch(warn);
    if (c !== undefined) {
      c.off('consumer:group:join', onGroupJoin);
      await c.close().catch(warn);
    }
    consumer = undefined;
    partitions.clear();
    intake.clear();
  }

  async function stop(): Promise<void> {
    stopping ??= doStop();
    return stopping;
  }

  return { start, stop, stats, refreshLag: refresh, events };
}
