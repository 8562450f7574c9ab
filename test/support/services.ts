import { endpoints, localCassandraClient, localCassandraCredentials } from '../../local/services/index.js';

export { endpoints, localCassandraClient, localCassandraCredentials };

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
