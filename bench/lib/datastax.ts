/**
 * Baseline (d): the DataStax Apache Kafka Connector 1.5.0 on one Kafka
 * Connect standalone worker (local/services/connect-worker.ts). The first
 * connector starts with the JVM: its launch-to-first-commit is the cold start.
 * Every later run is a new connector (a new consumer group, so it reads the
 * topic from the start) on the same, warm JVM, created through the REST API.
 */
import path from 'node:path';
import { datastaxConnectorConfig, startConnectWorker, type ConnectWorker } from '../../local/services/connect-worker.js';
import { benchCacheDir } from './bundle.js';
import { watchGroup, type Sample } from './progress.js';
import { ORDER_MAPPING } from './records.js';
import { KEYSPACE } from './setup.js';

export interface ConnectorRun {
  readonly samples: Sample[];
  /** From the connector's creation (or the JVM's launch, for the first) to its first committed record. */
  readonly startupMs: number;
  readonly totalMs: number;
  /** CPU seconds of the JVM over the run. */
  readonly cpuSeconds: number;
  /** The JVM's CPU seconds so far, sampled every 100 ms over the run (to take the steady window's share). */
  readonly cpuSamples: { atMs: number; cpuSeconds: number }[];
}

/**
 * CPU µs per record over the steady window (the progress samples' 10 % → 90 % marks, as
 * steadyRate): the CPU samples nearest those two moments. Null when there is no window.
 */
export function steadyCpuUsPerRecord(run: ConnectorRun, total: number, from = 0.1, to = 0.9): number | null {
  const start = run.samples.find((s) => s.done >= total * from);
  const end = run.samples.find((s) => s.done >= total * to);
  if (start === undefined || end === undefined || end.done <= start.done) return null;
  const nearest = (atMs: number): number =>
    run.cpuSamples.reduce((best, s) => (Math.abs(s.atMs - atMs) < Math.abs(best.atMs - atMs) ? s : best)).cpuSeconds;
  if (run.cpuSamples.length === 0) return null;
  return ((nearest(end.atMs) - nearest(start.atMs)) * 1e6) / (end.done - start.done);
}

export interface DatastaxBaseline {
  /** The first connector's run, started with the JVM (cold). */
  readonly cold: ConnectorRun;
  /** One more connector over the whole topic on the warm JVM. */
  run(label: string): Promise<ConnectorRun>;
  close(): Promise<void>;
}

export async function startDatastaxBaseline(options: {
  pluginDir: string;
  topic: string;
  partitions: number;
  total: number;
  runId: string;
  timeoutMs: number;
}): Promise<DatastaxBaseline> {
  const connector = (label: string): Record<string, string> =>
    datastaxConnectorConfig({
      name: `bench-datastax-${options.runId}-${label}`,
      topic: options.topic,
      keyspace: KEYSPACE,
      table: 'orders',
      mapping: ORDER_MAPPING,
      tasks: options.partitions,
    });
  const first = connector('cold');
  const firstName = first.name as string;
  const watchFirst = watchGroup(`connect-${firstName}`, options.topic);
  let worker: ConnectWorker | undefined;
  const follow = async (
    name: string,
    startedAt: number,
    cpuBefore: number,
    watch = watchGroup(`connect-${name}`, options.topic),
  ): Promise<ConnectorRun> => {
    const cpuSamples: { atMs: number; cpuSeconds: number }[] = [];
    const sampler = setInterval(() => {
      try {
        cpuSamples.push({ atMs: performance.now(), cpuSeconds: (worker as ConnectWorker).cpuSeconds() });
      } catch {
        // The JVM is gone; its exit is reported by `exited`.
      }
    }, 100);
    try {
      const samples = await Promise.race([watch.until(options.total, options.timeoutMs), (worker as ConnectWorker).exited]);
      const firstCommit = samples.find((s) => s.done > 0);
      const cpuSeconds = (worker as ConnectWorker).cpuSeconds() - cpuBefore;
      return {
        samples,
        startupMs: (firstCommit?.atMs ?? startedAt) - startedAt,
        totalMs: (samples.at(-1)?.atMs ?? startedAt) - startedAt,
        cpuSeconds,
        cpuSamples,
      };
    } finally {
      clearInterval(sampler);
      await watch.close();
      await (worker as ConnectWorker).deleteConnector(name);
    }
  };
  try {
    worker = await startConnectWorker({
      dir: path.join(benchCacheDir, 'datastax', options.runId),
      pluginDir: options.pluginDir,
      connector: first,
    });
    const cold = await follow(firstName, worker.launchedAt, 0, watchFirst);
    const running = worker;
    return {
      cold,
      async run(label) {
        const config = connector(label);
        const cpuBefore = running.cpuSeconds();
        const startedAt = performance.now();
        const watch = watchGroup(`connect-${config.name as string}`, options.topic);
        await running.createConnector(config);
        return follow(config.name as string, startedAt, cpuBefore, watch);
      },
      close: () => running.stop(),
    };
  } catch (error) {
    await worker?.stop();
    throw error;
  }
}
