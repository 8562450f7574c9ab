import { kafkaConnectionFromEnvironment, refetchRecords, type KafkaConnection, type RefetchResult } from '../adapters/kafka/index.js';
import { observability, observabilitySettings, publishHaltMetrics } from '../adapters/observability.js';
import { readDeadLetterBody } from '../adapters/sqs-dead-letter.js';
import type { OffsetRange } from '../core/event/on-failure.js';
import { readRuntimeEnvironment } from '../contract/runtime-env.js';
import type { RecordFilter } from '../core/filter/index.js';
import type { ReplayLog } from '../core/replay/ports.js';
import { createReplay, type Replay } from '../core/replay/replay.js';
import type { SinkEnvironment, SinkRuntime } from './sink-runtime.js';

export interface ReplayDeps {
  /** How to reach Kafka for on-failure messages, which carry offsets only; asked on first use. */
  readonly kafka: () => Promise<KafkaConnection>;
  /** @default refetchRecords (Fetch requests to each partition's leader) */
  readonly refetch?: (connection: KafkaConnection, ranges: readonly OffsetRange[]) => Promise<RefetchResult>;
  /** The event source mappings' filters (KAFKA_FILTERS). Default: none, every record of a range is written. */
  readonly filter?: RecordFilter;
}

/**
 * The replay function's wiring: the core's replay orchestration with its
 * ports filled by the adapters — the runtime's engine writes, Kafka re-reads
 * on-failure ranges, dead letters are read from the body or its S3 object,
 * logs go to the Powertools logger and halts to the SinkHalted metric.
 */
export function createReplayFor(runtime: SinkRuntime, deps: ReplayDeps): Replay {
  const { logger } = observability();
  const refetch = deps.refetch ?? ((connection, ranges) => refetchRecords(connection, ranges));
  const log: ReplayLog = {
    info: (message, fields) => {
      logger.info(message, fields);
    },
    warn: (message, fields) => {
      logger.warn(message, fields);
    },
    error: (message, fields) => {
      logger.error(message, fields);
    },
  };
  return createReplay(
    {
      writer: runtime,
      refetcher: { refetch: async (ranges) => refetch(await deps.kafka(), ranges) },
      deadLetters: { read: (body) => readDeadLetterBody(body, runtime.s3) },
      log,
      publishHalts: (held) => {
        publishHaltMetrics(observabilitySettings(), held);
      },
    },
    deps.filter === undefined ? {} : { filter: deps.filter },
  );
}

/**
 * The deployed replay function's wiring from its environment: Kafka from
 * KAFKA_* (resolved on first use, kept for the container) and the mappings'
 * filters from KAFKA_FILTERS (a bad value fails at init, never a replay that
 * writes what the mapping skipped).
 */
export function createReplayFromEnvironment(env: SinkEnvironment, runtime: SinkRuntime): Replay {
  const filter = readRuntimeEnvironment(env).kafkaFilters;
  return createReplayFor(runtime, { kafka: kafkaConnectionFromEnvironment(env, runtime.secrets), filter });
}
