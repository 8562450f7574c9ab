/**
 * Kafka Connect 4.3.1 standalone with the DataStax Apache Kafka Connector
 * 1.5.0 (the connector this project replaces) on the connector-free runtime of
 * local/services/maven/connect-runtime, its jar on plugin.path. The jar is not
 * on Maven Central: it is read from ../shared/baselines/datastax-kafka-sink
 * (next to the repository) or KCS_DATASTAX_CONNECTOR_DIR; without it there is
 * no DataStax worker and callers say so.
 *
 * One worker (one JVM) can run connector after connector through its REST API,
 * so a benchmark measures the connector with a warm JVM and, separately, the
 * cold start of the first one. The same worker runs the Camel CQL sink
 * (camelConnectorConfig) on the runtime with Camel's jars on its class path
 * (local/services/maven/connect): the bench's `--camel` baseline and the
 * cut-over e2e test without the DataStax jar.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { javaBinary, resolveJars } from './java.js';
import { endpoints, localCassandraCredentials } from './index.js';
import { repoRoot } from './paths.js';

export const DATASTAX_CONNECTOR_JAR = 'kafka-connect-cassandra-sink-1.5.0.jar';
export const DATASTAX_CONNECTOR_LABEL = 'DataStax Apache Kafka Connector 1.5.0';
export const CONNECT_RUNTIME_VERSION = '4.3.1';

/**
 * The folder holding the DataStax connector's jar: KCS_DATASTAX_CONNECTOR_DIR, else
 * shared/baselines/datastax-kafka-sink next to the repository (or next to the folder
 * holding it, for a git worktree); undefined, with where it looked, when it is absent.
 */
export function datastaxConnectorDir(env: NodeJS.ProcessEnv = process.env): { dir: string | undefined; looked: string } {
  const candidates =
    env.KCS_DATASTAX_CONNECTOR_DIR !== undefined && env.KCS_DATASTAX_CONNECTOR_DIR !== ''
      ? [env.KCS_DATASTAX_CONNECTOR_DIR]
      : ['..', path.join('..', '..')].map((up) => path.resolve(repoRoot, up, 'shared', 'baselines', 'datastax-kafka-sink'));
  return { dir: candidates.find((dir) => existsSync(path.join(dir, DATASTAX_CONNECTOR_JAR))), looked: candidates.join(' and ') };
}

export interface DatastaxTarget {
  readonly name: string;
  readonly topic: string;
  readonly keyspace: string;
  readonly table: string;
  /** The connector's mapping: `column=value.field, ...` (the same syntax as the sink's). */
  readonly mapping: string;
  readonly tasks: number;
}

/**
 * The connector's configuration as its documentation recommends for
 * throughput, with its documented defaults written out: 500 requests in
 * flight, batches of up to 32 records of one partition key, 4 connections per
 * node, LOCAL_ONE, timestamps written as the Kafka record timestamp (× 1000).
 */
export function datastaxConnectorConfig(target: DatastaxTarget): Record<string, string> {
  const [host, port] = endpoints.cassandra.split(':') as [string, string];
  const prefix = `topic.${target.topic}.${target.keyspace}.${target.table}`;
  return {
    name: target.name,
    'connector.class': 'com.datastax.oss.kafka.sink.CassandraSinkConnector',
    'tasks.max': String(target.tasks),
    topics: target.topic,
    contactPoints: host,
    port,
    'loadBalancing.localDc': endpoints.cassandraLocalDataCenter,
    'auth.provider': 'PLAIN',
    'auth.username': localCassandraCredentials.username,
    'auth.password': localCassandraCredentials.password,
    maxConcurrentRequests: '500',
    maxNumberOfRecordsInBatch: '32',
    connectionPoolLocalSize: '4',
    ignoreErrors: 'None',
    [`${prefix}.mapping`]: target.mapping,
    [`${prefix}.consistencyLevel`]: 'LOCAL_ONE',
    [`topic.${target.topic}.codec.timeZone`]: 'UTC',
    [`topic.${target.topic}.codec.timestamp`]: 'ISO_INSTANT',
  };
}

export interface CamelTarget {
  readonly name: string;
  readonly topic: string;
  readonly keyspace: string;
  readonly table: string;
  readonly tasks: number;
}

/**
 * Camel's CQL sink (camel-kafka-connector 0.11.0, component cql): its producer binds the
 * message body to the statement's markers, and the record value is the order JSON whose
 * fields are the table's columns, so the statement is `INSERT INTO keyspace.table JSON ?`.
 * Run it on a worker with `values: 'string'` and the jars of resolveJars('connect').
 */
export function camelConnectorConfig(target: CamelTarget): Record<string, string> {
  const [host, port] = endpoints.cassandra.split(':') as [string, string];
  return {
    name: target.name,
    'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
    'tasks.max': String(target.tasks),
    topics: target.topic,
    'camel.sink.component': 'cql',
    'camel.sink.path.hosts': host,
    'camel.sink.path.port': port,
    'camel.sink.path.keyspace': target.keyspace,
    'camel.sink.endpoint.cql': `INSERT INTO ${target.keyspace}.${target.table} JSON ?`,
    'camel.sink.endpoint.username': localCassandraCredentials.username,
    'camel.sink.endpoint.password': localCassandraCredentials.password,
    'camel.sink.endpoint.datacenter': endpoints.cassandraLocalDataCenter,
  };
}

export interface ConnectWorker {
  readonly dir: string;
  readonly pid: number;
  /** performance.now() when the JVM was launched. */
  readonly launchedAt: number;
  /** Creates a connector through the REST API (waiting for the API to answer first). */
  createConnector(config: Record<string, string>): Promise<void>;
  deleteConnector(name: string): Promise<void>;
  /** CPU seconds the JVM has used so far (user + system, from /proc). */
  cpuSeconds(): number;
  /** Rejects when the worker exits on its own. */
  readonly exited: Promise<never>;
  stop(): Promise<void>;
}

export interface ConnectWorkerOptions {
  /** Where the worker's files and logs go (created when missing). */
  readonly dir: string;
  /** The JVM's class path; default: the connector-free runtime, resolveJars('connect-runtime'). */
  readonly jars?: readonly string[];
  /** The worker's plugin.path; default: none (the connectors are on the class path). */
  readonly pluginDir?: string;
  /** How record values are read: 'json' (JsonConverter without schemas; the default) or 'string' (StringConverter). Keys are strings. */
  readonly values?: 'json' | 'string';
  /** The first connector, started with the worker (its start-up is the cold start). */
  readonly connector?: Record<string, string>;
  /** The JVM's initial and maximum heap (-Xms, -Xmx); default 1g and 1g. */
  readonly heap?: { readonly initial: string; readonly max: string };
}

/** Starts Kafka Connect standalone with string keys and the values read as `options.values` says. */
export async function startConnectWorker(options: ConnectWorkerOptions): Promise<ConnectWorker> {
  const jars = options.jars ?? (await resolveJars('connect-runtime'));
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  const restPort = await freePort();
  writeFileSync(
    path.join(dir, 'worker.properties'),
    [
      `bootstrap.servers=${endpoints.kafka}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      ...(options.values === 'string'
        ? ['value.converter=org.apache.kafka.connect.storage.StringConverter']
        : ['value.converter=org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable=false']),
      `offset.storage.file.filename=${path.join(dir, 'offsets')}`,
      // Sink tasks commit at this interval: the commits are the progress a caller reads.
      'offset.flush.interval.ms=200',
      `listeners=http://127.0.0.1:${String(restPort)}`,
      ...(options.pluginDir === undefined ? [] : [`plugin.path=${options.pluginDir}`]),
      // The DataStax jar has no META-INF/services entry for SinkConnector.
      'plugin.discovery=only_scan',
      'consumer.auto.offset.reset=earliest',
      '',
    ].join('\n'),
  );
  const args = [path.join(dir, 'worker.properties')];
  if (options.connector !== undefined) {
    writeFileSync(
      path.join(dir, 'sink.properties'),
      `${Object.entries(options.connector)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
    args.push(path.join(dir, 'sink.properties'));
  }
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
  const heap = options.heap ?? { initial: '1g', max: '1g' };
  const launchedAt = performance.now();
  const child: ChildProcess = spawn(
    javaBinary(),
    [
      `-Xms${heap.initial}`,
      `-Xmx${heap.max}`,
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=file:${path.join(dir, 'log4j2.properties')}`,
      '-cp',
      jars.join(path.delimiter),
      'org.apache.kafka.connect.cli.ConnectStandalone',
      ...args,
    ],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`kafka connect did not start (${javaBinary()}); see ${dir}/stdout.log`);
  let stopping = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const exited = new Promise<never>((_, reject) => {
    void gone.then(() => {
      if (!stopping) reject(new Error(`kafka connect exited; see ${dir}/connect.log:\n${problems(path.join(dir, 'connect.log'))}`));
    });
  });
  exited.catch(() => undefined);
  const rest = `http://127.0.0.1:${String(restPort)}`;
  const call = async (method: string, url: string, body?: unknown): Promise<Response> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(
          `kafka connect exited with ${String(child.exitCode)}; see ${dir}/connect.log:\n${problems(path.join(dir, 'connect.log'))}`,
        );
      try {
        const response = await fetch(`${rest}${url}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // 409: the worker is still rebalancing or starting; try again.
        if (response.status !== 409) return response;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`kafka connect REST ${method} ${url} did not answer within 120 s; see ${dir}/connect.log`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return {
    dir,
    pid,
    launchedAt,
    exited,
    async createConnector(config) {
      const name = config.name;
      if (name === undefined) throw new Error('connector config has no name');
      const response = await call('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
      if (!response.ok) throw new Error(`kafka connect refused connector ${name}: ${String(response.status)} ${await response.text()}`);
    },
    async deleteConnector(name) {
      const response = await call('DELETE', `/connectors/${encodeURIComponent(name)}`);
      if (!response.ok && response.status !== 404)
        throw new Error(`kafka connect could not delete connector ${name}: ${String(response.status)} ${await response.text()}`);
    },
    cpuSeconds: () => processCpuSeconds(pid),
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

/** utime + stime of a process in seconds (Linux /proc; clock ticks of 100 Hz, the kernel's USER_HZ). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / 100;
}

/** A free TCP port on the loopback interface (for a worker's REST listener). */
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
