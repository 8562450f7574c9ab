import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveJars, javaBinary, requireJava17 } from './java.js';
import { canConnect } from './net.js';
import { host, ports } from './paths.js';
import { serviceDir, type ServiceDefinition } from './process.js';

const run = promisify(execFile);

export const kafkaVersion = '4.3.1';

// One combined broker and controller (KRaft), replication factor 1 everywhere.
const serverProperties = (logDir: string): string => `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${host}:${ports.kafkaController}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}
advertised.listeners=PLAINTEXT://${host}:${ports.kafka}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${logDir}
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumers in tests join one at a time; do not hold the first rebalance back.
group.initial.rebalance.delay.ms=0
`;

const log4j2Properties = (dir: string): string => `status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${path.join(dir, 'server.log')}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
`;

function classpath(jars: readonly string[]): string {
  return jars.join(':');
}

export const kafkaService: ServiceDefinition = {
  name: 'kafka',
  ports: [ports.kafka, ports.kafkaController],
  readyTimeoutMs: 120_000,
  async install() {
    await requireJava17('kafka');
    await resolveJars('kafka');
  },
  async prepare() {
    const jars = await resolveJars('kafka');
    const dir = serviceDir('kafka');
    const logDir = path.join(dir, 'data');
    const propsFile = path.join(dir, 'server.properties');
    const log4jFile = path.join(dir, 'log4j2.properties');
    mkdirSync(dir, { recursive: true });
    writeFileSync(propsFile, serverProperties(logDir));
    writeFileSync(log4jFile, log4j2Properties(dir));
    const jvm = [
      '-Xms512m',
      '-Xmx512m',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=file:${log4jFile}`,
      '-cp',
      classpath(jars),
    ];
    // KRaft storage is formatted once; the cluster id is kept with the data.
    if (!existsSync(path.join(logDir, 'meta.properties'))) {
      const idFile = path.join(dir, 'cluster.id');
      if (!existsSync(idFile)) {
        const { stdout } = await run(javaBinary(), [...jvm, 'kafka.tools.StorageTool', 'random-uuid']);
        writeFileSync(idFile, stdout.trim());
      }
      const clusterId = readFileSync(idFile, 'utf8').trim();
      await run(javaBinary(), [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, '--ignore-formatted']);
    }
    return { command: javaBinary(), args: [...jvm, 'kafka.Kafka', propsFile] };
  },
  isReady: () => canConnect(host, ports.kafka),
};
