/**
 * A real sink connector on Kafka Connect standalone 4.3.1, for the cut-over
 * test: the DataStax Apache Kafka Connector 1.5.0 where its jar is provided
 * (../shared/baselines/datastax-kafka-sink from the repository root, or
 * KCS_DATASTAX_CONNECTOR_DIR), on the connector-free runtime of
 * local/services/maven/connect-runtime; otherwise the Camel CQL sink the bench
 * installs from Maven Central (local/services/maven/connect).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { javaBinary, resolveJars } from '../../local/services/java.js';
import { repoRoot } from '../../local/services/paths.js';
import { endpoints, localCassandraCredentials } from '../support/services.js';

const DATASTAX_JAR = 'kafka-connect-cassandra-sink-1.5.0.jar';

export interface ConnectorChoice {
  readonly kind: 'datastax' | 'camel';
  /** Named in the test title. */
  readonly label: string;
  /** Where its jars come from, for the log. */
  readonly source: string;
  /** Whether it writes with the Kafka timestamp × 1000 (USING TIMESTAMP), as the sink does. */
  readonly writesKafkaTimestamp: boolean;
  readonly pluginDir?: string;
}

/** The DataStax connector when its folder exists, else the Camel one. */
export function chooseConnector(): ConnectorChoice {
  const dir = process.env.KCS_DATASTAX_CONNECTOR_DIR ?? path.resolve(repoRoot, '..', 'shared', 'baselines', 'datastax-kafka-sink');
  if (existsSync(path.join(dir, DATASTAX_JAR))) {
    return {
      kind: 'datastax',
      label: 'DataStax Apache Kafka Connector 1.5.0',
      source: path.join(dir, DATASTAX_JAR),
      writesKafkaTimestamp: true,
      pluginDir: dir,
    };
  }
  return {
    kind: 'camel',
    label: 'Camel CQL sink connector 0.11.0',
    source: `Maven Central (no ${DATASTAX_JAR} in ${dir})`,
    writesKafkaTimestamp: false,
  };
}

export interface ConnectorTarget {
  readonly name: string;
  readonly topic: string;
  readonly keyspace: string;
  readonly table: string;
  readonly tasks: number;
}

export interface RunningConnect {
  readonly dir: string;
  /** Stops the worker (SIGTERM: tasks commit their offsets on the way out) and waits for its exit. */
  stop(): Promise<void>;
  /** Rejects when the worker exits on its own. */
  readonly exited: Promise<never>;
}

/** Starts Kafka Connect standalone with the connector writing `topic` to `keyspace.table`. */
export async function startConnect(choice: ConnectorChoice, target: ConnectorTarget): Promise<RunningConnect> {
  const jars = await resolveJars(choice.kind === 'datastax' ? 'connect-runtime' : 'connect');
  const dir = mkdtempSync(path.join(tmpdir(), 'kcs-connect-'));
  const restPort = await freePort();
  writeFileSync(
    path.join(dir, 'worker.properties'),
    [
      `bootstrap.servers=${endpoints.kafka}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      choice.kind === 'datastax'
        ? 'value.converter=org.apache.kafka.connect.json.JsonConverter'
        : 'value.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter.schemas.enable=false',
      `offset.storage.file.filename=${path.join(dir, 'offsets')}`,
      // Sink tasks commit at this interval: the test waits for the commits.
      'offset.flush.interval.ms=200',
      `listeners=http://127.0.0.1:${String(restPort)}`,
      ...(choice.pluginDir === undefined ? [] : [`plugin.path=${choice.pluginDir}`]),
      // The DataStax jar has no META-INF/services entry for SinkConnector.
      'plugin.discovery=only_scan',
      'consumer.auto.offset.reset=earliest',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'sink.properties'), connectorProperties(choice, target).join('\n'));
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
  const child: ChildProcess = spawn(
    javaBinary(),
    [
      '-Xms128m',
      '-Xmx512m',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=file:${path.join(dir, 'log4j2.properties')}`,
      '-cp',
      jars.join(path.delimiter),
      'org.apache.kafka.connect.cli.ConnectStandalone',
      path.join(dir, 'worker.properties'),
      path.join(dir, 'sink.properties'),
    ],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  let stopping = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const exited = new Promise<never>((_, reject) => {
    void gone.then(() => {
      if (!stopping) reject(new Error(`Kafka Connect exited; see ${dir}/connect.log:\n${problems(path.join(dir, 'connect.log'))}`));
    });
  });
  exited.catch(() => undefined);
  return {
    dir,
    exited,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        gone.then(() => true),
        new Promise<boolean>((resolve) =>
          setTimeout(() => {
            resolve(false);
          }, 30_000),
        ),
      ]);
      if (!stopped) {
        child.kill('SIGKILL');
        await gone;
      }
    },
  };
}

function connectorProperties(choice: ConnectorChoice, target: ConnectorTarget): string[] {
  const [host, port] = endpoints.cassandra.split(':') as [string, string];
  const common = [`name=${target.name}`, `tasks.max=${String(target.tasks)}`, `topics=${target.topic}`];
  if (choice.kind === 'datastax') {
    const prefix = `topic.${target.topic}.${target.keyspace}.${target.table}`;
    return [
      ...common,
      'connector.class=com.datastax.oss.kafka.sink.CassandraSinkConnector',
      `contactPoints=${host}`,
      `port=${port}`,
      `loadBalancing.localDc=${endpoints.cassandraLocalDataCenter}`,
      'auth.provider=PLAIN',
      `auth.username=${localCassandraCredentials.username}`,
      `auth.password=${localCassandraCredentials.password}`,
      'ignoreErrors=None',
      `${prefix}.mapping=order_id=key, customer_id=value.customer_id, status=value.status, amount=value.amount, currency=value.currency, items=value.items, created_at=value.created_at, shipping=value.shipping, tags=value.tags`,
      `${prefix}.consistencyLevel=LOCAL_ONE`,
      `topic.${target.topic}.codec.timeZone=UTC`,
      `topic.${target.topic}.codec.timestamp=ISO_INSTANT`,
      '',
    ];
  }
  return [
    ...common,
    'connector.class=org.apache.camel.kafkaconnector.CamelSinkConnector',
    'camel.sink.component=cql',
    `camel.sink.path.hosts=${host}`,
    `camel.sink.path.port=${port}`,
    `camel.sink.path.keyspace=${target.keyspace}`,
    // The record value is the order JSON, whose fields are the table's columns.
    `camel.sink.endpoint.cql=INSERT INTO ${target.keyspace}.${target.table} JSON ?`,
    `camel.sink.endpoint.username=${localCassandraCredentials.username}`,
    `camel.sink.endpoint.password=${localCassandraCredentials.password}`,
    `camel.sink.endpoint.datacenter=${endpoints.cassandraLocalDataCenter}`,
    '',
  ];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function problems(file: string): string {
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
