import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, wherever the project was cloned. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Everything the local services download or write lives here (git-ignored):
 * Maven jars, the Python venv and wheels, data directories, logs, pid files.
 */
export const cacheDir = path.resolve(process.env.KCS_CACHE_DIR ?? path.join(repoRoot, '.cache'));

/**
 * Data, logs and pid files of the running services. A second set of services
 * (the fault-injection suite's, say) gets its own directory and ports while
 * sharing the downloads above.
 */
export const servicesDir = path.resolve(process.env.KCS_SERVICES_DIR ?? path.join(cacheDir, 'services'));

export const host = '127.0.0.1';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number between 1 and 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Ports of the local services; each can be moved with an environment variable. */
export const ports = {
  cassandraNative: portFromEnv('CASSANDRA_PORT', 9042),
  cassandraStorage: portFromEnv('CASSANDRA_STORAGE_PORT', 7000),
  kafka: portFromEnv('KAFKA_PORT', 9092),
  kafkaController: portFromEnv('KAFKA_CONTROLLER_PORT', 9093),
  awsEmulator: portFromEnv('AWS_EMULATOR_PORT', 4566),
  /** LocalStack, for the deploy test only; not moto's 4566. */
  localstack: portFromEnv('LOCALSTACK_PORT', 4599),
  /** The Confluent-protocol schema registry of the codec tests. */
  schemaRegistry: portFromEnv('SCHEMA_REGISTRY_PORT', 8081),
} as const;

/** Endpoints a client uses to reach the local services. */
export const endpoints = {
  cassandra: `${host}:${ports.cassandraNative}`,
  cassandraLocalDataCenter: 'datacenter1',
  kafka: `${host}:${ports.kafka}`,
  aws: `http://${host}:${ports.awsEmulator}`,
  awsRegion: 'us-east-1',
  schemaRegistry: `http://${host}:${ports.schemaRegistry}`,
} as const;
