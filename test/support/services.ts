import cassandra from 'cassandra-driver';
import { endpoints, localCassandraCredentials } from '../../local/services/index.js';

export { endpoints, localCassandraCredentials };

/** A driver client for the local Cassandra; close it with `shutdown()`. */
export function localCassandraClient(options: Partial<cassandra.ClientOptions> = {}): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [endpoints.cassandra],
    localDataCenter: endpoints.cassandraLocalDataCenter,
    credentials: localCassandraCredentials,
    ...options,
  });
}

/** AWS SDK v3 client settings for the local emulator. The keys are dummies the emulator accepts. */
export const localAwsClientConfig = {
  endpoint: endpoints.aws,
  region: endpoints.awsRegion,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  forcePathStyle: true,
} as const;

/** A unique, CQL-safe name for test keyspaces, topics and queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
