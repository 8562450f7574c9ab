import cassandra from 'cassandra-driver';
import { awsEmulatorService } from './aws-emulator.js';
import { cassandraService, localCassandraCredentials } from './cassandra.js';
import { kafkaService } from './kafka.js';
import { localstackService } from './localstack.js';
import { schemaRegistryService } from './schema-registry.js';
import { endpoints } from './paths.js';
import { serviceState, startService, stopService, type ServiceDefinition } from './process.js';

export { endpoints, ports } from './paths.js';
export { localCassandraCredentials } from './cassandra.js';

/** What `npm start`, `services:start` and the integration tests start. */
export const allServices: readonly ServiceDefinition[] = [cassandraService, kafkaService, awsEmulatorService];

/** Every service the CLI knows: the above plus LocalStack, which only the deploy test starts, and the codec tests' schema registry. */
export const knownServices: readonly ServiceDefinition[] = [...allServices, localstackService, schemaRegistryService];

/**
 * Starts every service that is not running yet and returns the names of those
 * it started, so a caller can stop exactly those and leave alone what it found.
 */
export async function ensureServices(log?: (line: string) => void): Promise<string[]> {
  const started: string[] = [];
  // One after another: on 2 cores, three start-ups at once only slow each other down.
  for (const service of allServices) {
    const wasRunning = serviceState(service.name).state === 'running';
    await startService(service, log);
    if (!wasRunning) started.push(service.name);
  }
  return started;
}

export async function stopServices(names: readonly string[], log?: (line: string) => void): Promise<void> {
  for (const name of [...names].reverse()) await stopService(name, log);
}

export function describeEndpoints(): string {
  return `
Cassandra   ${endpoints.cassandra}  (local DC ${endpoints.cassandraLocalDataCenter}, user cassandra / cassandra)
Kafka       ${endpoints.kafka}
AWS (SQS, Secrets Manager, S3)  ${endpoints.aws}  (region ${endpoints.awsRegion}, any access key)`;
}

/** A driver client for the local Cassandra (its superuser); close it with `shutdown()`. */
export function localCassandraClient(options: Partial<cassandra.ClientOptions> = {}): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [endpoints.cassandra],
    localDataCenter: endpoints.cassandraLocalDataCenter,
    credentials: localCassandraCredentials,
    ...options,
  });
}
