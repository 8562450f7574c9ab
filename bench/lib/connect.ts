/**
 * The secondary baseline (`npm run bench -- --camel`): Kafka Connect standalone (connect-runtime 4.3.1, the broker's
 * version) running Apache Camel's Cassandra sink (camel-kafka-connector
 * 0.11.0's CamelSinkConnector over the camel `cql` component, camel-cassandraql
 * 3.11.1 with the DataStax Java driver 4.11), resolved from Maven Central by
 * local/services/maven/connect/pom.xml.
 *
 * Camel's CQL producer binds the message body to the statement's markers; the
 * record value is the same order JSON the sink reads, so the statement is
 * `INSERT INTO bench.orders JSON ?` (Cassandra maps the JSON object onto the
 * columns: uuid, decimal, timestamp, list, set and the UDT from their JSON
 * forms). Values are read with the StringConverter. One task per partition.
 * The worker is local/services/connect-worker.ts's, with Camel's jars on its class path.
 */
import path from 'node:path';
import { resolveJars } from '../../local/services/java.js';
import { camelConnectorConfig, startConnectWorker, type ConnectWorker } from '../../local/services/connect-worker.js';
import { benchCacheDir } from './bundle.js';
import { KEYSPACE } from './setup.js';
import { watchGroup, type Sample } from './progress.js';

export const CONNECT_VERSION = '4.3.1';
export const CAMEL_CONNECTOR =
  'org.apache.camel.kafkaconnector:camel-kafka-connector:0.11.0 (CamelSinkConnector, component cql, camel-cassandraql 3.11.1)';

export async function connectJars(): Promise<string[]> {
  return resolveJars('connect');
}

export interface ConnectRun {
  readonly samples: Sample[];
  /** From JVM launch to the first committed record. */
  readonly startupMs: number;
  readonly totalMs: number;
}

export async function runConnectBaseline(options: {
  jars: readonly string[];
  topic: string;
  partitions: number;
  total: number;
  run: string;
  timeoutMs: number;
}): Promise<ConnectRun> {
  const name = `bench-camel-cassandra-${options.run}`;
  const watch = watchGroup(`connect-${name}`, options.topic);
  let worker: ConnectWorker | undefined;
  try {
    worker = await startConnectWorker({
      dir: path.join(benchCacheDir, 'connect', options.run),
      jars: options.jars,
      values: 'string',
      heap: { initial: '256m', max: '1g' },
      connector: camelConnectorConfig({ name, topic: options.topic, keyspace: KEYSPACE, table: 'orders', tasks: options.partitions }),
    });
    const launched = worker.launchedAt;
    const samples = await Promise.race([watch.until(options.total, options.timeoutMs), worker.exited]);
    const first = samples.find((s) => s.done > 0);
    return { samples, startupMs: (first?.atMs ?? launched) - launched, totalMs: (samples.at(-1)?.atMs ?? launched) - launched };
  } finally {
    await watch.close();
    await worker?.stop();
  }
}
