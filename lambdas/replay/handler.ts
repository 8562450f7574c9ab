import { observability } from '../adapters/observability.js';
import { kafkaConnectionFromEnvironment } from '../adapters/replay-kafka.js';
import { createSinkRuntime } from '../adapters/sink-runtime.js';
import { createReplayHandler } from './create-handler.js';

// Init as for the sink: config validated, client connected, statements prepared before the first message.
const { logger } = observability();
const runtime = await createSinkRuntime(process.env, { log: (message, fields) => { logger.info(message, fields ?? {}); } });

export const handler = createReplayHandler(runtime, { kafka: kafkaConnectionFromEnvironment(process.env, runtime.secrets) });
