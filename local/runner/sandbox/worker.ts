/**
 * One sandbox: a worker thread playing one Lambda execution environment. Its
 * init builds the sink runtime once, as the function's container does
 * (createSinkRuntime + createSinkHandler); then it takes one serialized event
 * at a time and answers with the serialized partial batch response.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { createSinkRuntime, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { countOutcomes, noOutcomes, type OutcomeCounts } from '../../../lambdas/core/outcome.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { serializeError, type FromSandbox, type SandboxContext, type SandboxInit, type ToSandbox } from './protocol.js';

if (parentPort === null) throw new Error('local/runner/sandbox/worker.ts runs only as a worker thread of the sandbox pool');
const port = parentPort;
const init = workerData as SandboxInit;
const send = (message: FromSandbox): void => {
  port.postMessage(message);
};

/** The context lacks only the deprecated done/fail/succeed callbacks, which an async handler never calls. */
function lambdaContext(fields: SandboxContext): Context {
  const { deadline, ...rest } = fields;
  return { ...rest, callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}

async function start(): Promise<void> {
  let runtime: SinkRuntime;
  try {
    runtime = await createSinkRuntime(init.env);
  } catch (error) {
    send({ type: 'init-failed', error: serializeError(error) });
    return;
  }
  // One invocation at a time: this invocation's outcomes, for the runner's progress counts.
  let counts: OutcomeCounts = noOutcomes();
  const handler = createSinkHandler({
    ...runtime,
    run: async (records, options) => {
      const outcomes = await runtime.run(records, options);
      countOutcomes(outcomes, counts);
      return outcomes;
    },
  });
  port.on('message', (message: ToSandbox) => {
    if (message.type === 'close') {
      void runtime
        .close()
        .catch(() => undefined)
        .finally(() => {
          send({ type: 'closed' });
        });
      return;
    }
    counts = noOutcomes();
    void (async () => {
      try {
        const response: unknown = await handler(JSON.parse(message.event), lambdaContext(message.context));
        send({ type: 'returned', ...(response === undefined ? {} : { response: JSON.stringify(response) }), counts });
      } catch (error) {
        send({ type: 'threw', error: serializeError(error), counts });
      }
    })();
  });
  send({ type: 'ready', tables: runtime.engine.tables });
}

void start();
