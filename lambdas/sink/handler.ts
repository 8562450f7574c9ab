import { observability } from '../adapters/observability.js';
import { createSinkRuntime } from '../composition/sink-runtime.js';
import { createSinkHandler } from './create-handler.js';

// Init: validate the config, connect, read the table schemas and prepare every
// statement before the first event. A bad config fails the init here with a
// ConfigError that says what to fix.
const { logger } = observability();
const runtime = await createSinkRuntime(process.env, {
  log: (message, fields) => {
    logger.info(message, fields ?? {});
  },
});

export const handler = createSinkHandler(runtime);
