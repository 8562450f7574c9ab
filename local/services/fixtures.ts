/**
 * What programs that run against the local services share: the soak run, the
 * bench and the test suites (through test/kit and test/support, which
 * re-export these). SDK client settings for the emulator, unique names,
 * waiting for a condition, a short-lived Cassandra client, and a sink config
 * pointed at the local Cassandra.
 */
import { randomBytes } from 'node:crypto';
import type cassandra from 'cassandra-driver';
import type { SinkConfigInput } from '../../lambdas/core/config/schema.js';
import { endpoints, localCassandraClient } from './index.js';

/** AWS SDK v3 client settings for the local emulator. The keys are dummies the emulator accepts; path style for S3. */
export const localAwsClientConfig = {
  endpoint: endpoints.aws,
  region: endpoints.awsRegion,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  forcePathStyle: true,
} as const;

/** A unique, CQL-safe name (letters, digits, `_`) for keyspaces, topics, queues, secrets and groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** Polls `condition` every `everyMs` until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs `run` with a connected client for the local Cassandra (its superuser), shut down afterwards. */
export async function withCassandra<T>(run: (client: cassandra.Client) => Promise<T>): Promise<T> {
  const client = localCassandraClient();
  try {
    await client.connect();
    return await run(client);
  } finally {
    await client.shutdown();
  }
}

export interface LocalSinkConfigOptions {
  /** The secret holding the local Cassandra's credentials (`localCassandraCredentials`); default none (for a config that is parsed, never connected with). */
  readonly credentialsSecretArn?: string;
  readonly topics: SinkConfigInput['topics'];
  /** Default: the schema's defaults. */
  readonly writer?: SinkConfigInput['writer'];
  /** Default: the schema's defaults. */
  readonly brake?: SinkConfigInput['brake'];
}

/** A sink config for the local Cassandra (`profile: cassandra`, its contact point and data center), credentials from a secret. */
export function localSinkConfig(options: LocalSinkConfigOptions): SinkConfigInput {
  return {
    connection: {
      profile: 'cassandra',
      contactPoints: [endpoints.cassandra],
      localDataCenter: endpoints.cassandraLocalDataCenter,
      ...(options.credentialsSecretArn === undefined ? {} : { credentialsSecretArn: options.credentialsSecretArn }),
    },
    ...(options.writer === undefined ? {} : { writer: options.writer }),
    ...(options.brake === undefined ? {} : { brake: options.brake }),
    topics: options.topics,
  };
}
