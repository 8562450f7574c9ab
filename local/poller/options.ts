/** The poller's options (an event source mapping's settings, plus local ones), their defaults and their validation. */
import type { BrokerAuth } from '../../lambdas/adapters/kafka/index.js';
import { NO_FILTER, type RecordFilter } from '../../lambdas/core/filter/index.js';
import type { BackoffOptions, RetryOptions } from './decisions.js';
import { LOCAL_MSK_CLUSTER_ARN, type TombstoneEncoding } from './event.js';
import type { FunctionSettings } from './invoke.js';
import type { KafkaHandler, OnFailureDestination } from './types.js';

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
   * Why so small: docs/decisions/poller-fetch-bytes-per-partition.md.
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

export const DEFAULT_MAX_BYTES_PER_PARTITION = 32 * 1024;

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, multiplier: 2 };

/** The options with every default filled in, validated. */
export interface PollerSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
  readonly maximumRecordAgeSeconds: number;
  readonly maxBytesPerPartition: number;
  readonly reportBatchItemFailures: boolean;
  readonly filter: RecordFilter;
  readonly maxConcurrency: number;
  readonly maxBuffered: number;
  readonly eventSourceKind: 'msk' | 'self-managed';
  /** Only for `msk` events. */
  readonly eventSourceArn: string | undefined;
  readonly tombstones: TombstoneEncoding;
  readonly fn: FunctionSettings;
  readonly retry: RetryOptions;
  readonly statsIntervalMs: number;
  readonly stopGraceMs: number;
}

function validateRange(name: string, value: number, min: number, max: number, allowMinusOne: boolean): void {
  if (!Number.isInteger(value) || ((value < min || value > max) && !(allowMinusOne && value === -1))) {
    throw new RangeError(
      `${name} must be an integer in ${String(min)}..${String(max)}${allowMinusOne ? ' or -1' : ''}, got ${String(value)}`,
    );
  }
}

/** Fills in the defaults and checks the ranges; a RangeError names the option and its value. */
export function resolvePollerSettings(options: PollerOptions): PollerSettings {
  const batchSize = options.batchSize ?? 100;
  validateRange('batchSize', batchSize, 1, 10_000, false);
  const maximumBatchingWindowMs = options.maximumBatchingWindowMs ?? 500;
  validateRange('maximumBatchingWindowMs', maximumBatchingWindowMs, 0, 300_000, false);
  const maximumRetryAttempts = options.maximumRetryAttempts ?? -1;
  validateRange('maximumRetryAttempts', maximumRetryAttempts, 0, 10_000, true);
  const maximumRecordAgeSeconds = options.maximumRecordAgeSeconds ?? -1;
  // AWS accepts 60..604800; locally any positive age is allowed so tests can use short ones.
  validateRange('maximumRecordAgeSeconds', maximumRecordAgeSeconds, 1, 604_800, true);
  const maxBytesPerPartition = options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION;
  validateRange('maxBytesPerPartition', maxBytesPerPartition, 1, 2_147_483_647, false);
  if (options.topics.length === 0) throw new RangeError('topics must not be empty');
  if (options.bootstrapServers.length === 0) throw new RangeError('bootstrapServers must not be empty');

  const eventSourceKind = options.eventSourceKind ?? 'msk';
  const fn: FunctionSettings = {
    functionName: options.functionName ?? 'kafka-cql-sink-local',
    functionVersion: options.functionVersion ?? '$LATEST',
    memoryLimitInMB: options.memoryLimitInMB ?? 1024,
    timeoutMs: options.timeoutMs ?? 60_000,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
  };
  return {
    batchSize,
    maximumBatchingWindowMs,
    maximumRecordAgeSeconds,
    maxBytesPerPartition,
    reportBatchItemFailures: options.reportBatchItemFailures ?? true,
    filter: options.filter ?? NO_FILTER,
    maxConcurrency: options.maxConcurrency ?? 5,
    maxBuffered: options.maxBufferedRecords ?? Math.max(10 * batchSize, 1000),
    eventSourceKind,
    eventSourceArn: eventSourceKind === 'msk' ? (options.eventSourceArn ?? LOCAL_MSK_CLUSTER_ARN) : undefined,
    tombstones: options.tombstones ?? 'omit',
    fn,
    retry: {
      maximumRetryAttempts,
      hasOnFailureDestination: options.onFailure !== undefined,
      bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? false,
      backoff: { ...DEFAULT_BACKOFF, ...options.retryBackoff },
    },
    statsIntervalMs: options.statsIntervalMs ?? 1000,
    stopGraceMs: options.stopGraceMs ?? fn.timeoutMs,
  };
}
