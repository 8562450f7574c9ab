import { observability } from '../adapters/observability.js';
import { kafkaConnectionFromEnvironment } from '../adapters/replay-kafka.js';
import { createSinkRuntime } from '../adapters/sink-runtime.js';
import { readRuntimeEnvironment } from '../contract/runtime-env.js';
import { createReplayHandler } from './create-handler.js';

// Init as for the sink: config validated, client connected, statements prepared before the first message.
const { logger } = observability();
const runtime = await createSinkRuntime(process.env, { log: (message, fields) => { logger.info(message, fields ?? {}); } });

// The mappings' filters (set by the stack): a bad value fails at init, never a replay that writes what the mapping skipped.
const filter = readRuntimeEnvironment(process.env).kafkaFilters;

export const handler = createReplayHandler(runtime, { kafka: kafkaConnectionFromEnvironment(process.env, runtime.secrets), filter });
