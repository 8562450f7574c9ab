/**
 * Runs the sink's invocations the way Lambda does: each in a sandbox of its
 * own. Lambda gives every concurrent invocation its own execution environment
 * (own process, own heap, own Cassandra connection) and runs the event
 * source's pollers outside them; running the poller and every invocation in
 * one Node process would let the local sink use one core at most. The pool
 * keeps up to `size` worker threads, each one sandbox: it builds the sink
 * runtime once at init, takes one serialized event at a time and answers
 * with the serialized response. The pool is a `KafkaHandler`, so the poller
 * does not know the difference.
 *
 * Like Lambda: an init that fails, a sandbox that crashes (uncaught error,
 * exit) or runs past the deadline fails its invocation (the poller retries)
 * and is thrown away; the next invocation starts a fresh one (a cold start).
 */
import { Worker } from 'node:worker_threads';
import type { SinkEnvironment } from '../../../lambdas/composition/sink-runtime.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import type { OutcomeCounts } from '../../../lambdas/core/outcome.js';
import type { KafkaHandler, LambdaLikeContext, MskEvent } from '../../poller/types.js';
import type { FromSandbox, SandboxContext, SerializedError, ToSandbox } from './protocol.js';

export interface SandboxPoolOptions {
  /** Sandboxes at most (one invocation each at a time); the poller's concurrency. More invocations than this wait for one to free. */
  readonly size: number;
  /** The function's environment (SINK_CONFIG_FILE or SINK_CONFIG, DLQ_URL, …), over this process's. */
  readonly env: SinkEnvironment;
  /** Receives the outcome counts of every invocation that ran the batch (also one that threw after). */
  readonly onOutcomes?: (counts: OutcomeCounts) => void;
  /** How long close() waits for a sandbox to close its Cassandra client before ending it. Default 10 000 ms. */
  readonly closeTimeoutMs?: number;
}

export interface SandboxPool {
  readonly handler: KafkaHandler;
  /** The tables the sink writes ("keyspace.table"), as the first sandbox's init prepared them. */
  readonly tables: readonly string[];
  /** Sandboxes alive now. */
  readonly size: () => number;
  /**
   * Ends every sandbox with an invocation in flight, as a crash would (their
   * invocations fail and are retried). Returns how many; the fault tests use it.
   */
  crashBusy(): Promise<number>;
  /** Closes every sandbox (its Cassandra client), then ends it. Idempotent. */
  close(): Promise<void>;
}

const ENTRY = new URL('./entry.js', import.meta.url);

/** An error from a sandbox, rebuilt on this side with its name (a ConfigError stays one, for the runner's messages). */
function rebuild(error: SerializedError, prefix: string): Error {
  const message = `${prefix}${error.message}`;
  if (error.name === 'ConfigError') return new ConfigError(message);
  const rebuilt = new Error(message);
  rebuilt.name = error.name;
  return rebuilt;
}

type Reply = Extract<FromSandbox, { type: 'returned' | 'threw' }>;

class Sandbox {
  readonly ready: Promise<readonly string[]>;
  busy = false;
  /** Ended or ending: never picked again. */
  dead = false;
  private readonly worker: Worker;
  private pending: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  private closed: (() => void) | undefined;
  private crash: Error | undefined;

  constructor(
    readonly id: number,
    env: Readonly<Record<string, string>>,
    private readonly onDead: (sandbox: Sandbox) => void,
  ) {
    this.worker = new Worker(ENTRY, { workerData: { env }, env: { ...process.env, ...env } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: FromSandbox) => {
        switch (message.type) {
          case 'ready':
            resolve(message.tables);
            break;
          case 'init-failed':
            reject(rebuild(message.error, `sandbox ${String(id)} init failed: `));
            void this.end();
            break;
          case 'closed':
            this.closed?.();
            break;
          default: {
            const pending = this.pending;
            this.pending = undefined;
            pending?.resolve(message);
          }
        }
      });
      this.worker.on('error', (error) => {
        this.crash = error;
      });
      this.worker.on('exit', (code) => {
        this.dead = true;
        const why = new Error(
          `sandbox ${String(id)} exited with code ${String(code)}${this.crash === undefined ? '' : `: ${this.crash.message}`}`,
        );
        reject(why);
        this.pending?.reject(why);
        this.pending = undefined;
        this.closed?.();
        this.onDead(this);
      });
    });
    // A pool that never invokes this sandbox again must not see an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** One invocation; rejects when the sandbox dies or the deadline passes (then the sandbox is ended, as Lambda resets a timed-out one). */
  invoke(event: string, context: SandboxContext): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending = undefined;
          reject(new Error(`sandbox ${String(this.id)}: invocation ${context.awsRequestId} passed its deadline; the sandbox is ended`));
          void this.end();
        },
        Math.max(0, context.deadline - Date.now()),
      );
      this.pending = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const message: ToSandbox = { type: 'invoke', event, context };
      this.worker.postMessage(message);
    });
  }

  end(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }

  /** Lets the sandbox close its runtime, then ends it. */
  async close(timeoutMs: number): Promise<void> {
    if (this.dead) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.closed = resolve;
        const message: ToSandbox = { type: 'close' };
        this.worker.postMessage(message);
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await this.end();
  }
}

function sandboxContext(context: LambdaLikeContext): SandboxContext {
  return {
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    deadline: Date.now() + context.getRemainingTimeInMillis(),
  };
}

/** Starts `size` sandboxes and waits for their inits: a bad config fails here, at start, not at the first batch. */
export async function startSandboxPool(options: SandboxPoolOptions): Promise<SandboxPool> {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new RangeError(`sandboxes must be a positive integer, got ${String(options.size)}`);
  const env = Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const sandboxes = new Set<Sandbox>();
  const waiting: (() => void)[] = [];
  let nextId = 1;
  let closing: Promise<void> | undefined;

  const wakeOne = (): void => {
    waiting.shift()?.();
  };
  const spawn = (): Sandbox => {
    const sandbox = new Sandbox(nextId++, env, (dead) => {
      sandboxes.delete(dead);
      wakeOne();
    });
    sandboxes.add(sandbox);
    return sandbox;
  };
  /** An idle live sandbox, a new one (cold start) while fewer than `size` live, or wait for one to free. */
  const acquire = async (): Promise<Sandbox> => {
    for (;;) {
      if (closing !== undefined) throw new Error('the sandbox pool is closed');
      const idle = [...sandboxes].find((s) => !s.busy && !s.dead);
      const sandbox = idle ?? (sandboxes.size < options.size ? spawn() : undefined);
      if (sandbox !== undefined) {
        sandbox.busy = true;
        return sandbox;
      }
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
      });
    }
  };
  const release = (sandbox: Sandbox): void => {
    sandbox.busy = false;
    wakeOne();
  };

  const handler: KafkaHandler = async (event: MskEvent, context: LambdaLikeContext) => {
    const sandbox = await acquire();
    try {
      await sandbox.ready;
      // Serialized here, as the Lambda service hands the runtime the event as JSON text.
      const reply = await sandbox.invoke(JSON.stringify(event), sandboxContext(context));
      options.onOutcomes?.(reply.counts);
      if (reply.type === 'threw') throw rebuild(reply.error, '');
      return reply.response === undefined ? undefined : (JSON.parse(reply.response) as unknown);
    } finally {
      release(sandbox);
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const wake of waiting.splice(0)) wake();
      await Promise.all([...sandboxes].map((s) => s.close(closeTimeoutMs)));
    })();
    return closing;
  };

  const started = Array.from({ length: options.size }, spawn);
  let tables: readonly string[];
  try {
    [tables] = (await Promise.all(started.map((s) => s.ready))) as [readonly string[], ...(readonly string[])[]];
  } catch (error) {
    await close();
    throw error;
  }
  return {
    handler,
    tables,
    size: () => sandboxes.size,
    crashBusy: async () => {
      const busy = [...sandboxes].filter((s) => s.busy && !s.dead);
      await Promise.all(busy.map((s) => s.end()));
      return busy.length;
    },
    close,
  };
}
