/**
 * Runs the sink on this machine: the real sink handler (createSinkRuntime +
 * createSinkHandler, as the Lambda entry builds them) invoked by the local
 * event-source poller, with counts of what the core did for the progress line.
 * The one entry for everything that runs the sink locally: `npm start` and
 * `cli run`, the soak run, the bench's end-to-end phase, the fault harness and
 * the integration and e2e tests.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { BrokerAuth } from '../../lambdas/adapters/kafka/index.js';
import {
  createSinkRuntime,
  loadConfigFromEnvironment,
  type SinkEnvironment,
  type SinkRuntime,
} from '../../lambdas/composition/sink-runtime.js';
import { countOutcomes, noOutcomes, type OutcomeCounts } from '../../lambdas/core/outcome.js';
import { createSinkHandler, type SinkHandlerOptions } from '../../lambdas/sink/create-handler.js';
import { createPoller, type Poller, type PollerOptions } from '../poller/index.js';
import type { KafkaHandler, LambdaLikeContext, OnFailureDestination } from '../poller/types.js';
import { formatProgress, type SinkCounts } from './progress.js';
import { startSandboxPool, type SandboxPool } from './sandbox/pool.js';

export interface RunSinkOptions {
  /** What createSinkRuntime reads: SINK_CONFIG_FILE or SINK_CONFIG, DLQ_URL, …; the runtime built from it is closed on stop. Either this or `runtime`. */
  readonly env?: SinkEnvironment;
  /**
   * A runtime the caller built (with its own retry policy or client options, or
   * wrapped to count outcomes), used as it is; the caller closes it. Either this or `env`.
   */
  readonly runtime?: SinkRuntime;
  /** The handler's options (deadline margin); default createSinkHandler's. */
  readonly handler?: SinkHandlerOptions;
  readonly bootstrapServers: readonly string[];
  /** How the poller connects to Kafka (TLS, SASL, MSK IAM); default plaintext. */
  readonly auth?: BrokerAuth;
  readonly groupId: string;
  /** Default: every topic of the config. */
  readonly topics?: readonly string[];
  /** SQS queue for the poller's on-failure records (discarded batches' metadata). */
  readonly onFailureQueueUrl?: string;
  /** ESM settings and the rest of the poller's options. */
  readonly poller?: Partial<Omit<PollerOptions, 'bootstrapServers' | 'auth' | 'topics' | 'groupId' | 'handler' | 'onFailure'>>;
  /**
   * Run each invocation in a sandbox of its own, as Lambda does: this many
   * worker threads, each building the sink runtime once and taking one
   * serialized event at a time (local/runner/sandbox/pool.ts). Match the
   * poller's maxConcurrency. Default: in process (the poller and every
   * invocation share this thread).
   */
  readonly sandboxes?: number;
  /** Wraps the handler the poller invokes (tests inject failures this way). */
  readonly wrapHandler?: (handler: KafkaHandler) => KafkaHandler;
  /** Receives a progress line every `progressIntervalMs`; none when absent. */
  readonly progress?: (line: string) => void;
  /** Default 2000 ms. */
  readonly progressIntervalMs?: number;
  /** Poller warnings and fatal errors; default stderr. */
  readonly warn?: (line: string) => void;
  /** Called with the poller before it starts, to listen to its events (invocations, commits) from the first. */
  readonly observe?: (poller: Poller) => void;
}

export interface RunningSink {
  readonly poller: Poller;
  /** The sink runtime of this process; absent with `sandboxes` (each sandbox has its own). */
  readonly runtime?: SinkRuntime;
  /** The sandboxes, with `sandboxes`. */
  readonly sandboxes?: SandboxPool;
  /** The tables the sink writes ("keyspace.table"). */
  readonly tables: readonly string[];
  readonly counts: Readonly<SinkCounts>;
  /** Stops the poller (in-flight batches finish and commit), then closes the Cassandra client. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the runner stops: rejects if the consumer failed. */
  readonly stopped: Promise<void>;
}

/** The Lambda-like context lacks only the deprecated done/fail/succeed callbacks, which an async handler never calls. */
function asLambdaContext(context: LambdaLikeContext): Context {
  return context as LambdaLikeContext & Pick<Context, 'done' | 'fail' | 'succeed'>;
}

function sqsDestination(queueUrl: string): OnFailureDestination {
  const sqs = new SQSClient({});
  return async (record) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
  };
}

function runtimeOf(options: RunSinkOptions): Promise<SinkRuntime> {
  if (options.runtime !== undefined && options.env !== undefined) throw new Error('startSink takes env or runtime, not both');
  if (options.runtime !== undefined) return Promise.resolve(options.runtime);
  if (options.env === undefined) throw new Error('startSink needs env (to build the runtime) or runtime');
  return createSinkRuntime(options.env);
}

interface StartedHandler {
  readonly handler: KafkaHandler;
  readonly topics: readonly string[];
  readonly tables: readonly string[];
  readonly runtime?: SinkRuntime;
  readonly sandboxes?: SandboxPool;
  close(): Promise<void>;
}

/** The sink in this process: one runtime, every invocation on this thread. */
async function inProcess(options: RunSinkOptions, counts: OutcomeCounts): Promise<StartedHandler> {
  const runtime = await runtimeOf(options);
  // Count final outcomes where the handler gets them: the same runtime, with a tally around `run`.
  const counted: SinkRuntime = {
    ...runtime,
    run: async (records, runOptions) => {
      const outcomes = await runtime.run(records, runOptions);
      countOutcomes(outcomes, counts);
      return outcomes;
    },
  };
  const sinkHandler = createSinkHandler(counted, options.handler);
  return {
    handler: (event, context) => sinkHandler(event, asLambdaContext(context)),
    topics: Object.keys(runtime.config.topics),
    tables: runtime.engine.tables,
    runtime,
    // A runtime the caller built is the caller's to close.
    close: () => (options.runtime === undefined ? runtime.close() : Promise.resolve()),
  };
}

/** The sink in `size` sandboxes (worker threads), as Lambda runs concurrent invocations. */
async function sandboxed(options: RunSinkOptions, size: number, counts: OutcomeCounts): Promise<StartedHandler> {
  if (options.env === undefined || options.runtime !== undefined)
    throw new Error('startSink with sandboxes needs env (each sandbox builds its own runtime), not runtime');
  const env = options.env;
  // The topics to consume: the config's, read here without connecting (each sandbox connects on its own).
  const topics = Object.keys(loadConfigFromEnvironment(env).topics);
  const pool = await startSandboxPool({
    size,
    env,
    onOutcomes: (each) => {
      counts.written += each.written;
      counts.deadLettered += each.deadLettered;
      counts.failed += each.failed;
      counts.coalesced += each.coalesced;
    },
  });
  return { handler: pool.handler, topics, tables: pool.tables, sandboxes: pool, close: () => pool.close() };
}

export async function startSink(options: RunSinkOptions): Promise<RunningSink> {
  const counts = noOutcomes();
  const started = options.sandboxes === undefined ? await inProcess(options, counts) : await sandboxed(options, options.sandboxes, counts);
  const { handler, topics } = started;
  const close = (): Promise<void> => started.close();
  const warn =
    options.warn ??
    ((line: string) => {
      process.stderr.write(`${line}\n`);
    });

  let poller: Poller;
  try {
    poller = createPoller({
      bootstrapServers: options.bootstrapServers,
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      topics: options.topics ?? topics,
      groupId: options.groupId,
      handler: options.wrapHandler ? options.wrapHandler(handler) : handler,
      ...(options.onFailureQueueUrl === undefined ? {} : { onFailure: sqsDestination(options.onFailureQueueUrl) }),
      statsIntervalMs: options.progress === undefined ? 0 : (options.progressIntervalMs ?? 2000),
      ...options.poller,
    });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  options.observe?.(poller);

  let resolveStopped: () => void = () => undefined;
  let rejectStopped: (error: Error) => void = () => undefined;
  const stopped = new Promise<void>((resolve, reject) => {
    resolveStopped = resolve;
    rejectStopped = reject;
  });
  // A caller that only awaits stop() must not see an unhandled rejection.
  stopped.catch(() => undefined);

  poller.events.on('warning', (error) => {
    warn(`warning: ${error.message}`);
  });
  if (options.progress !== undefined) {
    const progress = options.progress;
    poller.events.on('stats', (stats) => {
      progress(formatProgress(stats, counts));
    });
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await poller.stop();
      } finally {
        await close().catch((error: unknown) => {
          warn(`closing the Cassandra client failed: ${String(error)}`);
        });
      }
    })();
    return stopping;
  };
  poller.events.on('fatal', (error) => {
    warn(`the Kafka consumer failed: ${error.message}`);
    void stop().finally(() => {
      rejectStopped(error);
    });
  });

  try {
    await poller.start();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return {
    poller,
    ...(started.runtime === undefined ? {} : { runtime: started.runtime }),
    ...(started.sandboxes === undefined ? {} : { sandboxes: started.sandboxes }),
    tables: started.tables,
    counts,
    stopped,
    stop: async () => {
      await stop();
      resolveStopped();
    },
  };
}
