import { observability } from '../adapters/observability.js';
import { kafkaConnectionFromEnvironment } from '../adapters/replay-kafka.js';
import { createSinkRuntime } from '../adapters/sink-runtime.js';
import { KAFKA_FILTERS_VARIABLE, parseRecordFilter } from '../core/filter/index.js';
import { createReplayHandler } from './create-handler.js';

// Init as for the sink: config validated, client connected, statements prepared before the first message.
const { logger } = observability();
const runtime = await createSinkRuntime(process.env, { log: (message, fields) => { logger.info(message, fields ?? {}); } });

// The mappings' filters (set by the stack): a bad value fails at init, never a replay that writes what the mapping skipped.
const filter = parseRecordFilter(process.env[KAFKA_FILTERS_VARIABLE], KAFKA_FILTERS_VARIABLE);

export const handler = createReplayHandler(runtime, { kafka: kafkaConnectionFromEnvironment(process.env, runtime.secrets), filter });
