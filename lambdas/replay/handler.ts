import { observability } from '../adapters/observability.js';
import { createReplayFromEnvironment } from '../composition/replay.js';
import { createSinkRuntime } from '../composition/sink-runtime.js';
import { createReplayHandler } from './create-handler.js';

// Init as for the sink: config validated, client connected, statements prepared before the first message.
const { logger } = observability();
const runtime = await createSinkRuntime(process.env, {
  log: (message, fields) => {
    logger.info(message, fields ?? {});
  },
});

export const handler = createReplayHandler(createReplayFromEnvironment(process.env, runtime));
