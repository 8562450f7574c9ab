import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cassandra from 'cassandra-driver';
import { resolveJars, javaBinary, requireJava17 } from './java.js';
import { cacheDir, endpoints, host, ports } from './paths.js';
import { serviceDir, type ServiceDefinition } from './process.js';

export const cassandraVersion = '5.0.9';

/** The superuser PasswordAuthenticator creates on first start. Local only. */
export const localCassandraCredentials = { username: 'cassandra', password: 'cassandra' } as const;

// The module opens and exports that Cassandra needs on Java 17 (conf/jvm17-server.options in apache/cassandra).
const jvm17Flags = [
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((pkg) => ['--add-exports', `${pkg}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((pkg) => ['--add-opens', `${pkg}=ALL-UNNAMED`]),
  '-Dio.netty.tryReflectionSetAccessible=true',
];

/**
 * How the commit log reaches the disk. `periodic` (default): every 10 s, so a
 * SIGKILL can lose up to 10 s of acknowledged writes, as on any RF=1 node with
 * the stock setting. `group`: a write is acknowledged only after its commit
 * log segment is synced (grouped over 15 ms windows), so a killed node loses
 * no acknowledged write; the fault-injection suite uses it
 * (CASSANDRA_COMMITLOG_SYNC=group). `batch`: the same, syncing as soon as possible.
 */
function commitlogSyncYaml(): string {
  const mode = process.env.CASSANDRA_COMMITLOG_SYNC ?? 'periodic';
  switch (mode) {
    case '':
    case 'periodic':
      return 'commitlog_sync: periodic\ncommitlog_sync_period: 10000ms';
    case 'group':
      return 'commitlog_sync: group\ncommitlog_sync_group_window: 15ms';
    case 'batch':
      return 'commitlog_sync: batch';
    default:
      throw new Error(`CASSANDRA_COMMITLOG_SYNC must be periodic, group or batch, got ${JSON.stringify(mode)}`);
  }
}

function cassandraYaml(dataDir: string): string {
  // Only keys Cassandra 5.0 knows: it rejects unknown ones. Single node, loopback only.
  return `cluster_name: kafka-cql-sink-local
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
${commitlogSyncYaml()}
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${host}:${ports.cassandraStorage}"
listen_address: ${host}
rpc_address: ${host}
storage_port: ${ports.cassandraStorage}
native_transport_port: ${ports.cassandraNative}
start_native_transport: true
authenticator: PasswordAuthenticator
authorizer: AllowAllAuthorizer
data_file_directories:
  - ${path.join(dataDir, 'data')}
commitlog_directory: ${path.join(dataDir, 'commitlog')}
saved_caches_directory: ${path.join(dataDir, 'saved_caches')}
hints_directory: ${path.join(dataDir, 'hints')}
cdc_raw_directory: ${path.join(dataDir, 'cdc_raw')}
# Tests drop and create keyspaces often; snapshots would only fill the disk.
auto_snapshot: false
`;
}

const logbackXml = (logDir: string): string => `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${path.join(logDir, 'system.log')}</file>
    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
    <encoder><pattern>%d{ISO8601} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/><appender-ref ref="STDOUT"/></root>
</configuration>
`;

async function answersCql(): Promise<boolean> {
  const client = new cassandra.Client({
    contactPoints: [endpoints.cassandra],
    localDataCenter: endpoints.cassandraLocalDataCenter,
    credentials: localCassandraCredentials,
    socketOptions: { connectTimeout: 2_000 },
  });
  try {
    await client.connect();
    await client.execute('SELECT release_version FROM system.local');
    return true;
  } catch {
    return false;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

export const cassandraService: ServiceDefinition = {
  name: 'cassandra',
  ports: [ports.cassandraNative, ports.cassandraStorage],
  readyTimeoutMs: 180_000,
  async install() {
    await requireJava17('cassandra');
    await resolveJars('cassandra');
  },
  async prepare() {
    const jars = await resolveJars('cassandra');
    const dir = serviceDir('cassandra');
    const confDir = path.join(dir, 'conf');
    const dataDir = path.join(dir, 'data');
    mkdirSync(confDir, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(confDir, 'cassandra.yaml'), cassandraYaml(dataDir));
    writeFileSync(path.join(confDir, 'logback.xml'), logbackXml(dir));
    const jamm = jars.find((jar) => path.basename(jar).startsWith('jamm-'));
    if (jamm === undefined) throw new Error(`cassandra: no jamm jar among the resolved jars in ${path.join(cacheDir, 'cassandra', 'lib')}`);
    return {
      command: javaBinary(),
      args: [
        '-Xms1g',
        '-Xmx1g',
        '-XX:+UseG1GC',
        '-XX:+ParallelRefProcEnabled',
        '-XX:+ExitOnOutOfMemoryError',
        ...jvm17Flags,
        `-javaagent:${jamm}`,
        '-Djava.net.preferIPv4Stack=true',
        // Otherwise the daemon closes stdout/stderr and our log loses its start-up errors.
        '-Dcassandra-foreground=yes',
        `-Dcassandra.config=file://${path.join(confDir, 'cassandra.yaml')}`,
        `-Dcassandra.storagedir=${dataDir}`,
        `-Dcassandra.logdir=${dir}`,
        `-Dlogback.configurationFile=${path.join(confDir, 'logback.xml')}`,
        // A single node has nobody to gossip with: skip the waits meant for real clusters.
        '-Dcassandra.skip_wait_for_gossip_to_settle=0',
        '-Dcassandra.ring_delay_ms=0',
        '-Dcassandra.superuser_setup_delay_ms=0',
        '-cp',
        [confDir, ...jars].join(':'),
        'org.apache.cassandra.service.CassandraDaemon',
      ],
    };
  },
  isReady: answersCql,
};
