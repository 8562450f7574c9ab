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
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Admin, ConfigResourceTypes, Consumer, ListOffsetTimestamps, type AdminOptions, type ConsumerOptions, type Message, type MessagesStream } from '@platformatic/kafka';
import { kafkaClientOptions, type BrokerAuth } from '../../lambdas/adapters/kafka/index.js';
import { NO_FILTER, type RecordFilter } from '../../lambdas/core/filter/index.js';
import {
  buildOnFailureRecord,
  countExpired,
  decideOutcome,
  decideRetry,
  describeError,
  selectBatch,
  type BackoffOptions,
  type BatchPart,
  type DiscardedRange,
  type InvocationResult,
  type PartitionView,
  type RetryState,
} from './decisions.js';
import { buildMskEvent, LOCAL_MSK_CLUSTER_ARN, partitionKey, type PolledRecord, type TombstoneEncoding } from './event.js';
import { createLambdaContext, functionArn, invokeWithTimeout, type FunctionSettings } from './invoke.js';
import type { KafkaHandler, KafkaTimestampType, OnFailureCondition, OnFailureDestination, OnFailureInvocationRecord } from './types.js';

export interface PollerOptions {
  /** Kafka brokers, `host:port`. */
  readonly bootstrapServers: readonly string[];
  /**
   * How every client of the poller (the consumer, the admin client) connects:
   * plaintext (default), TLS, SASL PLAIN/SCRAM or MSK IAM, as the replay
   * adapter does (lambdas/adapters/kafka/clients.ts).
   */
  readonly auth?: BrokerAuth;
  readonly topics: readonly string[];
  /** The consumer group (an ESM's group id is fixed at creation). */
  readonly groupId: string;
  /** The handler port, e.g. `handler` from `lambdas/sink/handler.ts`. */
  readonly handler: KafkaHandler;
  /** Where discarded batches' metadata goes; also caps infinite retries at 10, as Lambda does. */
  readonly onFailure?: OnFailureDestination;
  /**
   * The mapping's FilterCriteria (lambdas/core/filter): records whose value
   * matches none of the patterns are never delivered; their offsets are
   * committed as the records around them are, as Lambda skips them. Default: none.
   */
  readonly filter?: RecordFilter;

  /** `msk` (default) → `"aws:kafka"` events with an `eventSourceArn`; `self-managed` → `"SelfManagedKafka"`. */
  readonly eventSourceKind?: 'msk' | 'self-managed';
  readonly eventSourceArn?: string;
  readonly tombstones?: TombstoneEncoding;
  /** Where a group with no committed offset starts. Default TRIM_HORIZON. */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';

  /** BatchSize: 1..10000, default 100. */
  readonly batchSize?: number;
  /** MaximumBatchingWindowInSeconds, in ms here; default 500. */
  readonly maximumBatchingWindowMs?: number;
  /** MaximumRetryAttempts: -1 (default, infinite) or 0..10000. */
  readonly maximumRetryAttempts?: number;
  /** MaximumRecordAgeInSeconds: -1 (default, infinite) or 60..604800. */
  readonly maximumRecordAgeSeconds?: number;
  readonly bisectBatchOnFunctionError?: boolean;
  /** FunctionResponseTypes ReportBatchItemFailures. Default true (the sink's deployment turns it on). */
  readonly reportBatchItemFailures?: boolean;
  readonly retryBackoff?: Partial<BackoffOptions>;
  /** Invocations in flight at once (never two for one partition). Default 5, about one provisioned poller. */
  readonly maxConcurrency?: number;
  /** Records held in memory before the fetch pauses. Default max(10 × batchSize, 1000). */
  readonly maxBufferedRecords?: number;
  /**
   * Bytes one fetch takes from each partition (Kafka's partition_max_bytes; a
   * first record batch larger than this still comes whole). Default 32 KiB.
   * Small, so that every fetch carries a little of each partition: the stream
   * delivers a response partition by partition, and with the client's default
   * (50 MiB) one partition's backlog filled the buffer, the stream paused, and
   * partitions were drained one after another instead of concurrently.
   */
  readonly maxBytesPerPartition?: number;

  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly memoryLimitInMB?: number;
  /** Function timeout in ms; default 60 000. */
  readonly timeoutMs?: number;
  readonly region?: string;
  readonly accountId?: string;

  /** Consumer group session settings (short ones make tests fast). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly clientId?: string;
  /** How often lag is refreshed and `stats` is emitted; 0 disables. Default 1000. */
  readonly statsIntervalMs?: number;
  /** `stop()` waits this long for in-flight invocations before abandoning them uncommitted. Default: the function timeout. */
  readonly stopGraceMs?: number;
}

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

export interface Poller {
  start(): Promise<void>;
  /** Stops fetching, lets in-flight invocations finish (within the grace period; later ones are abandoned uncommitted), leaves the group. */
  stop(): Promise<void>;
  stats(): PollerStats;
  /** Refreshes lag now (high watermarks and the group's committed offsets). */
  refreshLag(): Promise<void>;
  readonly events: EventEmitter<PollerEvents>;
}

interface BufferedRecord extends PolledRecord {
  readonly leaderEpoch: number;
  readonly arrivedAt: number;
}

interface PartitionState {
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

/** The no-op deserializer hands a null key, value or header value over as undefined, whatever the types say. */
function orNull(bytes: Buffer | undefined): Buffer | null {
  return bytes ?? null;
}

const DEFAULT_MAX_BYTES_PER_PARTITION = 32 * 1024;

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, multiplier: 2 };

function validateRange(name: string, value: number, min: number, max: number, allowMinusOne: boolean): void {
  if (!Number.isInteger(value) || ((value < min || value > max) && !(allowMinusOne && value === -1))) {
    throw new RangeError(`${name} must be an integer in ${String(min)}..${String(max)}${allowMinusOne ? ' or -1' : ''}, got ${String(value)}`);
  }
}

/** The options of the poller's consumer: the group, its session settings and the connection (options.auth). */
export function pollerConsumerOptions(options: PollerOptions): ConsumerOptions<Buffer, Buffer, Buffer, Buffer> {
  return {
    groupId: options.groupId,
    clientId: options.clientId ?? `local-poller-${options.groupId}`,
    bootstrapBrokers: [...options.bootstrapServers],
    ...kafkaClientOptions(options.auth ?? { type: 'none' }),
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
    rebalanceTimeout: options.rebalanceTimeoutMs ?? 15_000,
    maxWaitTime: Math.min(500, Math.max(50, options.maximumBatchingWindowMs ?? 500)),
  };
}

/** The options of the poller's admin client (topic configs), with the same connection as the consumer. */
export function pollerAdminOptions(options: PollerOptions): AdminOptions {
  return {
    clientId: `${options.clientId ?? 'local-poller'}-admin`,
    bootstrapBrokers: [...options.bootstrapServers],
    ...kafkaClientOptions(options.auth ?? { type: 'none' }),
  };
}

export function createPoller(options: PollerOptions): Poller {
  const batchSize = options.batchSize ?? 100;
  validateRange('batchSize', batchSize, 1, 10_000, false);
  const maximumBatchingWindowMs = options.maximumBatchingWindowMs ?? 500;
  validateRange('maximumBatchingWindowMs', maximumBatchingWindowMs, 0, 300_000, false);
  const maximumRetryAttempts = options.maximumRetryAttempts ?? -1;
  validateRange('maximumRetryAttempts', maximumRetryAttempts, 0, 10_000, true);
  const maximumRecordAgeSeconds = options.maximumRecordAgeSeconds ?? -1;
  // AWS accepts 60..604800; locally any positive age is allowed so tests can use short ones.
  validateRange('maximumRecordAgeSeconds', maximumRecordAgeSeconds, 1, 604_800, true);
  validateRange('maxBytesPerPartition', options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION, 1, 2_147_483_647, false);
  if (options.topics.length === 0) throw new RangeError('topics must not be empty');
  if (options.bootstrapServers.length === 0) throw new RangeError('bootstrapServers must not be empty');

  const reportBatchItemFailures = options.reportBatchItemFailures ?? true;
  const filter = options.filter ?? NO_FILTER;
  const maxConcurrency = options.maxConcurrency ?? 5;
  const maxBuffered = options.maxBufferedRecords ?? Math.max(10 * batchSize, 1000);
  const eventSourceKind = options.eventSourceKind ?? 'msk';
  const eventSourceArn = eventSourceKind === 'msk' ? (options.eventSourceArn ?? LOCAL_MSK_CLUSTER_ARN) : undefined;
  const bootstrapServers = options.bootstrapServers.join(',');
  const fn: FunctionSettings = {
    functionName: options.functionName ?? 'kafka-cql-sink-local',
    functionVersion: options.functionVersion ?? '$LATEST',
    memoryLimitInMB: options.memoryLimitInMB ?? 1024,
    timeoutMs: options.timeoutMs ?? 60_000,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
  };
  const retryOptions = {
    maximumRetryAttempts,
    hasOnFailureDestination: options.onFailure !== undefined,
    bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? false,
    backoff: { ...DEFAULT_BACKOFF, ...options.retryBackoff },
  };
  const statsIntervalMs = options.statsIntervalMs ?? 1000;
  const stopGraceMs = options.stopGraceMs ?? fn.timeoutMs;

  const events = new EventEmitter<PollerEvents>();
  const states = new Map<string, PartitionState>();
  const inFlight = new Map<string, { promise: Promise<void>; abandoned: boolean }>();
  const timestampTypes = new Map<string, KafkaTimestampType>();
  const processedLog: { at: number; count: number }[] = [];
  const counters = {
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

  let consumer: Consumer | undefined;
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  let running = false;
  let stopping: Promise<void> | undefined;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let statsTimer: NodeJS.Timeout | undefined;
  let paused = false;
  let buffered = 0;

  const warn = (error: unknown): void => {
    events.emit('warning', error instanceof Error ? error : new Error(describeError(error)));
  };

  // ------------------------------------------------------------ intake

  function assigned(topic: string, partition: number): boolean {
    return consumer?.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;
  }

  function onMessage(message: Message): void {
    if (!running) return;
    const { topic, partition } = message;
    // A fetch that was in flight across a rebalance can still deliver a revoked partition.
    if (!assigned(topic, partition)) return;
    const key = partitionKey(topic, partition);
    let state = states.get(key);
    if (state === undefined) {
      state = {
        key, topic, partition, buffer: [], nextFetch: null, committed: null, skippedTo: null, inFlight: false,
        retry: undefined, notBefore: 0, lastRequestId: undefined, lastFunctionError: false, highWatermark: null,
      };
      states.set(key, state);
    }
    // After a rebalance the stream restarts from the committed offset; what we hold already is kept.
    if (state.nextFetch !== null && message.offset < state.nextFetch) return;
    state.nextFetch = message.offset + 1n;
    if (!filter.matches({ value: orNull(message.value) })) {
      // Never delivered; its offset is committed with (or, on an idle partition, instead of) the records around it.
      counters.recordsFiltered++;
      state.skippedTo = message.offset + 1n;
      schedule(Date.now());
      return;
    }
    state.buffer.push({
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp,
      timestampType: timestampTypes.get(topic) ?? 'CREATE_TIME',
      key: orNull(message.key),
      value: orNull(message.value),
      headers: message.headerEntries.map(([name, value]) => [name.toString('utf8'), orNull(value)] as const),
      leaderEpoch: message.leaderEpoch,
      arrivedAt: Date.now(),
    });
    buffered++;
    if (!paused && buffered >= maxBuffered) {
      paused = true;
      stream?.pause();
    }
    schedule(Date.now());
  }

  function released(count: number): void {
    buffered -= count;
    if (paused && buffered < maxBuffered / 2 && running) {
      paused = false;
      stream?.resume();
    }
  }

  function onGroupJoin(): void {
    // Drop partitions this member no longer owns; an in-flight invocation for one will not commit.
    for (const [key, state] of states) {
      if (assigned(state.topic, state.partition)) continue;
      released(state.buffer.length);
      states.delete(key);
      // So that a later reassignment starts from the committed offset (or the starting position), not from our old fetch position.
      stream?.offsetsToFetch.delete(`${state.topic}:${String(state.partition)}`);
    }
  }

  // ------------------------------------------------------------ scheduling

  function schedule(at: number): void {
    if (!running) return;
    if (at >= timerAt) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Number.POSITIVE_INFINITY;
      pump();
    }, Math.max(0, at - Date.now()));
  }

  /** Commits past filtered records on partitions with nothing left to process (owned like an invocation, so commits never overlap). */
  function commitSkipped(): void {
    for (const state of states.values()) {
      const skippedTo = state.skippedTo;
      if (skippedTo === null || state.inFlight || state.buffer.length > 0 || skippedTo <= (state.committed ?? -1n)) continue;
      track(randomUUID(), [state], () => advance(state, skippedTo));
    }
  }

  function pump(): void {
    commitSkipped();
    while (running && inFlight.size < maxConcurrency) {
      const now = Date.now();
      discardExpired(now);
      const views: PartitionView[] = [];
      for (const state of states.values()) {
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
      const selection = selectBatch(views, now, { batchSize, maximumBatchingWindowMs });
      if (selection.kind === 'idle') return;
      if (selection.kind === 'wait') {
        schedule(selection.until);
        return;
      }
      const parts: { state: PartitionState; records: BufferedRecord[] }[] = [];
      for (const { key, count } of selection.take) {
        const state = states.get(key);
        if (state === undefined) continue;
        state.inFlight = true;
        parts.push({ state, records: state.buffer.slice(0, count) });
      }
      const requestId = randomUUID();
      track(requestId, parts.map((p) => p.state), (entry) => runInvocation(requestId, parts, entry));
    }
  }

  /** Runs work that owns `owned` partitions (no other invocation or discard may touch them meanwhile). */
  function track(id: string, owned: PartitionState[], work: (entry: { abandoned: boolean }) => Promise<void>): void {
    for (const state of owned) state.inFlight = true;
    const entry = { promise: Promise.resolve(), abandoned: false };
    inFlight.set(id, entry);
    entry.promise = work(entry)
      .catch(warn)
      .finally(() => {
        inFlight.delete(id);
        for (const state of owned) state.inFlight = false;
        schedule(Date.now());
      });
  }

  /** MaximumRecordAgeInSeconds: records older than that are never sent; they go to the on-failure destination. */
  function discardExpired(now: number): void {
    if (maximumRecordAgeSeconds < 0) return;
    const ranges: { state: PartitionState; records: BufferedRecord[] }[] = [];
    for (const state of states.values()) {
      if (state.inFlight) continue;
      const expired = countExpired(state.buffer.map((r) => Number(r.timestamp)), now, maximumRecordAgeSeconds);
      if (expired > 0) ranges.push({ state, records: state.buffer.slice(0, expired) });
    }
    if (ranges.length === 0) return;
    const requestId = randomUUID();
    track(requestId, ranges.map((r) => r.state), () => discard(ranges, 'RecordAgeExceeded', { requestId, invocations: 0, invoked: false, functionError: false }));
  }

  // ------------------------------------------------------------ invocation

  async function runInvocation(requestId: string, parts: { state: PartitionState; records: BufferedRecord[] }[], entry: { abandoned: boolean }): Promise<void> {
    const event = buildMskEvent(parts.map((p) => p.records), {
      kind: eventSourceKind,
      bootstrapServers: options.bootstrapServers,
      ...(eventSourceArn === undefined ? {} : { eventSourceArn }),
      tombstones: options.tombstones ?? 'omit',
    });
    const recordCount = parts.reduce((n, p) => n + p.records.length, 0);
    counters.invocations++;
    counters.recordsDelivered += recordCount;
    const started = Date.now();
    const context = createLambdaContext(fn, requestId, started + fn.timeoutMs);
    const result: InvocationResult = await invokeWithTimeout(options.handler, event, context, fn.timeoutMs);
    const durationMs = Date.now() - started;
    // Once stop() gives up waiting, a late result is not committed (the records are redelivered).
    if (entry.abandoned || consumer === undefined) return;

    const batchParts: BatchPart[] = parts.map((p) => ({ key: p.state.key, offsets: p.records.map((r) => r.offset) }));
    const decision = decideOutcome(batchParts, result, reportBatchItemFailures);
    const report = (outcome: InvocationReport['outcome'], reason?: string): void => {
      events.emit('invocation', {
        requestId, records: recordCount, partitions: parts.map((p) => p.state.key), durationMs, outcome, ...(reason === undefined ? {} : { reason }),
      });
    };
    const now = Date.now();

    if (decision.kind === 'failure') {
      counters.failedInvocations++;
      if (result.kind === 'timedOut') counters.timedOutInvocations++;
      report('failure', decision.reason);
      const exhausted: { state: PartitionState; records: BufferedRecord[] }[] = [];
      let invocations = 0;
      for (const { state, records } of parts) {
        if (states.get(state.key) !== state) continue; // revoked meanwhile
        state.lastRequestId = requestId;
        state.lastFunctionError = true;
        const next = decideRetry(state.retry, records.length, true, now, retryOptions);
        if (next.kind === 'retry') {
          state.retry = next.state;
          state.notBefore = next.notBefore;
        } else {
          invocations = Math.max(invocations, next.invocations);
          exhausted.push({ state, records });
        }
      }
      if (exhausted.length > 0) await discard(exhausted, 'RetryAttemptsExhausted', { requestId, invocations, invoked: true, functionError: true });
      return;
    }

    if (decision.kind === 'partial') counters.partialFailures++;
    report(decision.kind);
    const exhausted: { state: PartitionState; records: BufferedRecord[] }[] = [];
    let invocations = 0;
    for (const [index, part] of decision.parts.entries()) {
      const sent = parts[index];
      if (sent === undefined) continue;
      const { state, records } = sent;
      if (states.get(state.key) !== state) continue;
      const processed = records.filter((r) => r.offset < part.commitTo).length;
      counters.recordsProcessed += processed;
      processedLog.push({ at: now, count: processed });
      if (part.failed.length === 0) {
        state.retry = undefined;
        state.notBefore = 0;
        await advance(state, part.commitTo);
        continue;
      }
      if (part.commitTo > (state.committed ?? -1n) && processed > 0) await advance(state, part.commitTo);
      state.lastRequestId = requestId;
      state.lastFunctionError = false;
      // A partition that made progress starts a fresh retry count for its remaining records.
      const previous = processed > 0 ? undefined : state.retry;
      const next = decideRetry(previous, part.failed.length, false, now, retryOptions);
      if (next.kind === 'retry') {
        state.retry = next.state;
        state.notBefore = next.notBefore;
      } else {
        invocations = Math.max(invocations, next.invocations);
        exhausted.push({ state, records: records.filter((r) => r.offset >= part.commitTo) });
      }
    }
    if (exhausted.length > 0) await discard(exhausted, 'RetryAttemptsExhausted', { requestId, invocations, invoked: true, functionError: false });
  }

  /** Drops records below `position` from the buffer and commits `position` (or past the filtered records that follow it). */
  async function advance(state: PartitionState, processedTo: bigint): Promise<void> {
    let dropped = 0;
    while (state.buffer.length > 0 && (state.buffer[0]?.offset ?? processedTo) < processedTo) {
      state.buffer.shift();
      dropped++;
    }
    released(dropped);
    // Filtered records up to the next one to process are done too.
    const next = state.buffer[0]?.offset;
    const skippedTo = state.skippedTo ?? processedTo;
    const position = skippedTo > processedTo ? (next !== undefined && next < skippedTo ? next : skippedTo) : processedTo;
    const leaderEpoch = state.buffer[0]?.leaderEpoch ?? -1;
    state.committed = position;
    if (consumer === undefined) return;
    try {
      await consumer.commit({ offsets: [{ topic: state.topic, partition: state.partition, offset: position, leaderEpoch }] });
      events.emit('commit', { topic: state.topic, partition: state.partition, offset: position });
    } catch (error) {
      warn(new Error(`commit of ${state.key} at ${String(position)} failed: ${describeError(error)}`));
    }
  }

  async function discard(
    groups: { state: PartitionState; records: BufferedRecord[] }[],
    condition: OnFailureCondition,
    info: { requestId: string; invocations: number; invoked: boolean; functionError: boolean },
  ): Promise<void> {
    const ranges: DiscardedRange[] = [];
    let count = 0;
    let payloadSize = 0;
    for (const { state, records } of groups) {
      const first = records[0];
      const last = records[records.length - 1];
      if (first === undefined || last === undefined) continue;
      ranges.push({
        key: state.key, firstOffset: first.offset, lastOffset: last.offset,
        firstTimestamp: Number(first.timestamp), lastTimestamp: Number(last.timestamp), count: records.length,
      });
      count += records.length;
      payloadSize += JSON.stringify(buildMskEvent([records], { kind: eventSourceKind, bootstrapServers: options.bootstrapServers })).length;
    }
    const record = buildOnFailureRecord({
      requestId: info.requestId,
      functionArn: functionArn(fn),
      condition,
      approximateInvokeCount: info.invocations,
      functionError: info.functionError,
      invoked: info.invoked,
      executedVersion: fn.functionVersion,
      now: Date.now(),
      ...(eventSourceArn === undefined ? {} : { eventSourceArn }),
      bootstrapServers,
      consumerGroupId: options.groupId,
      payloadSize,
      ranges,
    });
    counters.recordsDiscarded += count;
    if (options.onFailure !== undefined) {
      try {
        await options.onFailure(record);
        counters.onFailureRecords++;
      } catch (error) {
        // Lambda keeps the batch when it cannot write to the destination; so do we: retry later.
        warn(new Error(`on-failure destination failed: ${describeError(error)}`));
        counters.recordsDiscarded -= count;
        for (const { state } of groups) state.notBefore = Date.now() + retryOptions.backoff.initialMs;
        return;
      }
    }
    events.emit('discarded', record);
    for (const { state, records } of groups) {
      const last = records[records.length - 1];
      if (last === undefined || states.get(state.key) !== state) continue;
      state.retry = undefined;
      state.notBefore = 0;
      await advance(state, last.offset + 1n);
    }
  }

  // ------------------------------------------------------------ stats

  async function refreshLag(): Promise<void> {
    if (consumer === undefined) return;
    const topics = [...options.topics];
    const highWatermarks = await consumer.listOffsets({ topics, timestamp: ListOffsetTimestamps.LATEST });
    const assignments = consumer.assignments ?? [];
    const committed: Map<string, bigint[]> = assignments.length > 0 ? await consumer.listCommittedOffsets({ topics: assignments }) : new Map<string, bigint[]>();
    for (const { topic, partitions } of assignments) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        let state = states.get(key);
        const hw = highWatermarks.get(topic)?.[partition];
        const groupOffset = committed.get(topic)?.[partition];
        if (state === undefined) {
          state = {
            key, topic, partition, buffer: [], nextFetch: null, committed: null, skippedTo: null, inFlight: false,
            retry: undefined, notBefore: 0, lastRequestId: undefined, lastFunctionError: false, highWatermark: null,
          };
          states.set(key, state);
        }
        state.highWatermark = hw ?? null;
        if (state.committed === null && groupOffset !== undefined && groupOffset >= 0n) state.committed = groupOffset;
      }
    }
  }

  function stats(): PollerStats {
    const now = Date.now();
    while (processedLog.length > 0 && (processedLog[0]?.at ?? now) < now - 10_000) processedLog.shift();
    const windowMs = Math.min(10_000, Math.max(1, now - startedAt));
    const recent = processedLog.reduce((n, e) => n + e.count, 0);
    const partitions: PartitionStats[] = [...states.values()]
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
      .map((s) => {
        const position = s.committed ?? s.buffer[0]?.offset ?? null;
        const lag = s.highWatermark === null ? null : s.highWatermark - (position ?? 0n);
        return {
          topic: s.topic, partition: s.partition, committed: s.committed, highWatermark: s.highWatermark,
          lag: lag === null ? null : lag < 0n ? 0n : lag, buffered: s.buffer.length, inFlight: s.inFlight, retries: s.retry?.retries ?? 0,
        };
      });
    const known = partitions.filter((p) => p.lag !== null);
    return {
      running,
      uptimeMs: running ? now - startedAt : 0,
      ...counters,
      recordsPerSecond: Math.round((recent * 1000) / windowMs),
      inFlight: inFlight.size,
      buffered,
      totalLag: known.length === 0 ? null : known.reduce((n, p) => n + (p.lag ?? 0n), 0n),
      partitions,
    };
  }

  // ------------------------------------------------------------ lifecycle

  async function resolveTimestampTypes(): Promise<void> {
    const admin = new Admin(pollerAdminOptions(options));
    try {
      const described = await admin.describeConfigs({
        resources: options.topics.map((topic) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['message.timestamp.type'] })),
      });
      for (const resource of described) {
        const value = resource.configs.find((c) => c.name === 'message.timestamp.type')?.value;
        timestampTypes.set(resource.resourceName, value === 'LogAppendTime' ? 'LOG_APPEND_TIME' : 'CREATE_TIME');
      }
    } catch (error) {
      warn(new Error(`could not read message.timestamp.type, assuming CREATE_TIME: ${describeError(error)}`));
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  async function start(): Promise<void> {
    if (running || consumer !== undefined) throw new Error('poller already started');
    await resolveTimestampTypes();
    const c = new Consumer(pollerConsumerOptions(options));
    consumer = c;
    running = true;
    startedAt = Date.now();
    c.on('consumer:group:join', onGroupJoin);
    try {
      stream = await c.consume({
        topics: [...options.topics],
        mode: 'committed',
        fallbackMode: (options.startingPosition ?? 'TRIM_HORIZON') === 'LATEST' ? 'latest' : 'earliest',
        autocommit: false,
        maxBytesPerPartition: options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
      });
    } catch (error) {
      running = false;
      consumer = undefined;
      await c.close(true).catch(() => undefined);
      throw error;
    }
    stream.on('data', onMessage);
    stream.on('error', (error: Error) => {
      if (!running) return;
      events.emit('fatal', error);
      void stop();
    });
    if (statsIntervalMs > 0) {
      statsTimer = setInterval(() => {
        refreshLag()
          .catch(warn)
          .finally(() => {
            if (running) events.emit('stats', stats());
          });
      }, statsIntervalMs);
    }
  }

  async function doStop(): Promise<void> {
    running = false;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    if (statsTimer !== undefined) clearInterval(statsTimer);
    statsTimer = undefined;
    // In-flight invocations finish within the grace period or are abandoned: no commit either way once stopped.
    const pending = [...inFlight.values()];
    if (pending.length > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, stopGraceMs);
      });
      await Promise.race([Promise.allSettled(pending.map((p) => p.promise)), grace]);
      clearTimeout(graceTimer);
      for (const p of pending) p.abandoned = true;
    }
    const c = consumer;
    const s = stream;
    stream = undefined;
    if (s !== undefined) await s.close().catch(warn);
    if (c !== undefined) {
      c.off('consumer:group:join', onGroupJoin);
      await c.close().catch(warn);
    }
    consumer = undefined;
    states.clear();
    buffered = 0;
  }

  async function stop(): Promise<void> {
    stopping ??= doStop();
    return stopping;
  }

  return { start, stop, stats, refreshLag, events };
}
