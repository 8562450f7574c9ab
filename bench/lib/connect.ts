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
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveJars, javaBinary } from '../../local/services/java.js';
import { endpoints, localCassandraCredentials } from '../../local/services/index.js';
import { freePort } from '../../local/services/connect-worker.js';
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
  const dir = path.join(benchCacheDir, 'connect', options.run);
  mkdirSync(dir, { recursive: true });
  const [host, port] = endpoints.cassandra.split(':') as [string, string];
  const name = `bench-camel-cassandra-${options.run}`;
  writeFileSync(
    path.join(dir, 'worker.properties'),
    [
      `bootstrap.servers=${endpoints.kafka}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `offset.storage.file.filename=${path.join(dir, 'offsets')}`,
      // Commit often: the commits are the progress the bench reads.
      'offset.flush.interval.ms=200',
      `listeners=http://127.0.0.1:${String(await freePort())}`,
      'plugin.discovery=only_scan',
      'consumer.auto.offset.reset=earliest',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'sink.properties'),
    [
      `name=${name}`,
      'connector.class=org.apache.camel.kafkaconnector.CamelSinkConnector',
      `tasks.max=${String(options.partitions)}`,
      `topics=${options.topic}`,
      'camel.sink.component=cql',
      `camel.sink.path.hosts=${host}`,
      `camel.sink.path.port=${port}`,
      `camel.sink.path.keyspace=${KEYSPACE}`,
      `camel.sink.endpoint.cql=INSERT INTO ${KEYSPACE}.orders JSON ?`,
      `camel.sink.endpoint.username=${localCassandraCredentials.username}`,
      `camel.sink.endpoint.password=${localCassandraCredentials.password}`,
      `camel.sink.endpoint.datacenter=${endpoints.cassandraLocalDataCenter}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'log4j2.properties'),
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = FILE',
      `appender.file.fileName = ${path.join(dir, 'connect.log')}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = info',
      'rootLogger.appenderRef.file.ref = FILE',
      '',
    ].join('\n'),
  );
  const out = openSync(path.join(dir, 'stdout.log'), 'w');
  const watch = watchGroup(`connect-${name}`, options.topic);
  const launched = performance.now();
  let child: ChildProcess | undefined;
  try {
    child = spawn(
      javaBinary(),
      [
        '-Xms256m',
        '-Xmx1g',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=file:${path.join(dir, 'log4j2.properties')}`,
        '-cp',
        options.jars.join(path.delimiter),
        'org.apache.kafka.connect.cli.ConnectStandalone',
        path.join(dir, 'worker.properties'),
        path.join(dir, 'sink.properties'),
      ],
      { stdio: ['ignore', out, out] },
    );
    const exited = new Promise<never>((_, reject) => {
      child?.once('exit', (code) => {
        reject(new Error(`Kafka Connect exited with ${String(code)}; see ${dir}/connect.log:\n${tail(path.join(dir, 'connect.log'))}`));
      });
    });
    const samples = await Promise.race([watch.until(options.total, options.timeoutMs), exited]);
    const first = samples.find((s) => s.done > 0);
    return { samples, startupMs: (first?.atMs ?? launched) - launched, totalMs: (samples.at(-1)?.atMs ?? launched) - launched };
  } finally {
    await watch.close();
    closeSync(out);
    if (child?.pid !== undefined && child.exitCode === null) {
      const gone = new Promise<boolean>((resolve) =>
        child?.once('exit', () => {
          resolve(true);
        }),
      );
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        gone,
        new Promise<boolean>((resolve) =>
          setTimeout(() => {
            resolve(false);
          }, 15_000),
        ),
      ]);
      if (!stopped) child.kill('SIGKILL');
    }
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /ERROR|Exception/.test(line))
      .slice(-10)
      .join('\n');
  } catch {
    return '(no log)';
  }
}
