import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import cassandra from 'cassandra-driver';
import type { ConnectionConfig } from '../core/config/connection.js';
import { ConfigError, TransientError } from '../core/errors.js';
import { CQL_DRIVER_ENCODING } from '../core/cql/convert.js';
import { KeyspacesSigV4AuthProvider, type AwsCredentialsProvider } from './keyspaces-sigv4.js';
import type { SecretSource } from './secrets.js';

/**
 * One cassandra-driver Client per container, built from the sink config's
 * `connection`:
 *
 *  - cassandra: contact points, local DC, optional TLS (CA from a secret or a
 *    file; without one, Node's bundled roots), PLAIN credentials from a secret.
 *  - astra: the secure connect bundle (a secret's binary/base64 value, or an S3
 *    object) written once per container under /tmp, because the driver reads
 *    it from disk; the token from a secret as the password of user "token".
 *  - keyspaces: cassandra.<region>.amazonaws.com:9142 over TLS, local DC = the
 *    region, SigV4 from the function's role (or service-specific credentials
 *    from a secret). Trust: Keyspaces certificates chain to Amazon Root CA 1-4,
 *    which are in Node's bundled CA list (checked: Amazon Root CA 1-4 and
 *    Starfield Services Root G2 are there). AWS still lists the Starfield
 *    Class 2 root "for backward compatibility"; it is NOT in Node's list, so
 *    a region still serving that chain needs NODE_EXTRA_CA_CERTS pointing at
 *    sf-class2-root.crt (bundled with the function).
 *
 * Secrets are read through a SecretSource (cached per container). When the
 * connection fails to authenticate, the secrets it used are invalidated and it
 * connects once more with fresh values: that is how a rotated password is
 * picked up. A second authentication failure is a ConfigError; an unreachable
 * cluster is a TransientError. Credentials never reach a log line or an error.
 */

export interface CassandraClientDeps {
  readonly secrets: SecretSource;
  /** For an Astra bundle stored in S3. */
  readonly s3?: S3Client;
  /** AWS credentials for Keyspaces SigV4; default: the SDK v3 default Node chain (refreshing). */
  readonly awsCredentials?: AwsCredentialsProvider;
  /** Where the Astra bundle is written; default the OS temp dir (/tmp on Lambda). */
  readonly tmpDir?: string;
  /** Called with non-secret facts about connecting (profile, contact points, retries). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface CassandraClientOverrides {
  /** Driver options merged over the built ones (tests: a shorter timeout, say). */
  readonly clientOptions?: Partial<cassandra.ClientOptions>;
}

/** Timeouts sized for Lambda: fail a dead node fast, well inside a minutes-long invocation. */
const SOCKET_OPTIONS = { connectTimeout: 5_000, readTimeout: 12_000, keepAlive: true, keepAliveDelay: 0 } as const;
export const KEYSPACES_PORT = 9142;

export function keyspacesEndpoint(region: string): string {
  return `cassandra.${region}.amazonaws.com`;
}

interface BuiltOptions {
  readonly options: cassandra.ClientOptions;
  /** Secrets whose values went into the options: invalidated after an authentication failure. */
  readonly secretIds: readonly string[];
}

/** Builds the driver options for a connection profile. Secret values go into the options only. */
export async function buildClientOptions(connection: ConnectionConfig, deps: CassandraClientDeps): Promise<BuiltOptions> {
  const common: cassandra.ClientOptions = {
    encoding: { ...CQL_DRIVER_ENCODING },
    queryOptions: { prepare: true },
    socketOptions: { ...SOCKET_OPTIONS },
    // One connection per local host is plenty for one invocation at a time;
    // no connections to remote data centers.
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 1, [cassandra.types.distance.remote]: 0 } },
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(1_000) },
  };
  switch (connection.profile) {
    case 'cassandra': {
      const secretIds: string[] = [];
      const options: cassandra.ClientOptions = {
        ...common,
        contactPoints: [...connection.contactPoints],
        localDataCenter: connection.localDataCenter,
        protocolOptions: { port: connection.port },
      };
      if (connection.credentialsSecretArn !== undefined) {
        const { username, password } = await deps.secrets.getUsernamePassword(connection.credentialsSecretArn);
        options.authProvider = new cassandra.auth.PlainTextAuthProvider(username, password);
        secretIds.push(connection.credentialsSecretArn);
      }
      if (connection.tls !== undefined) {
        const { tls } = connection;
        let ca: string | undefined;
        if (tls.caSecretArn !== undefined) {
          ca = await deps.secrets.getText(tls.caSecretArn);
          secretIds.push(tls.caSecretArn);
        } else if (tls.caFile !== undefined) {
          ca = await readCaFile(tls.caFile);
        }
        options.sslOptions = {
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(ca === undefined ? {} : { ca: [ca] }),
          // Certificates still verified against the CA; only the name check is skipped (connector: ssl.hostnameValidation=false).
          ...(tls.rejectUnauthorized && tls.checkHostname ? {} : { checkServerIdentity: () => undefined }),
        };
      }
      return { options, secretIds };
    }
    case 'astra': {
      const bundle = await astraBundlePath(connection.secureConnectBundle, deps);
      const token = await deps.secrets.getToken(connection.tokenSecretArn);
      const secretIds = [connection.tokenSecretArn];
      if ('secretArn' in connection.secureConnectBundle) secretIds.push(connection.secureConnectBundle.secretArn);
      return {
        options: {
          ...common,
          cloud: { secureConnectBundle: bundle },
          credentials: { username: 'token', password: token },
          queryOptions: { ...common.queryOptions, consistency: cassandra.types.consistencies.localQuorum },
        },
        secretIds,
      };
    }
    case 'keyspaces': {
      const host = keyspacesEndpoint(connection.region);
      const options: cassandra.ClientOptions = {
        ...common,
        contactPoints: [host],
        localDataCenter: connection.region,
        protocolOptions: { port: KEYSPACES_PORT },
        // Node's bundled roots; the host name is verified against the certificate.
        sslOptions: { host, servername: host, rejectUnauthorized: true },
        // Keyspaces writes only at LOCAL_QUORUM.
        queryOptions: { ...common.queryOptions, consistency: cassandra.types.consistencies.localQuorum },
      };
      if (connection.auth.type === 'service-specific') {
        const { username, password } = await deps.secrets.getUsernamePassword(connection.auth.secretArn);
        options.authProvider = new cassandra.auth.PlainTextAuthProvider(username, password);
        return { options, secretIds: [connection.auth.secretArn] };
      }
      options.authProvider = new KeyspacesSigV4AuthProvider({
        region: connection.region,
        credentials: deps.awsCredentials ?? (await defaultAwsCredentials()),
      });
      return { options, secretIds: [] };
    }
  }
}

/**
 * Creates and connects a Client for the connection, retrying once with fresh
 * secrets after an authentication failure.
 */
export async function connectCassandra(
  connection: ConnectionConfig,
  deps: CassandraClientDeps,
  overrides: CassandraClientOverrides = {},
): Promise<cassandra.Client> {
  const log = deps.log ?? (() => undefined);
  for (let attempt = 1; ; attempt++) {
    const built = await buildClientOptions(connection, deps);
    const client = new cassandra.Client({ ...built.options, ...overrides.clientOptions });
    log('connecting to the database', { profile: connection.profile, target: describeTarget(connection), attempt });
    try {
      await client.connect();
      log('connected to the database', { profile: connection.profile, target: describeTarget(connection) });
      return client;
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      const authFailure = isAuthenticationFailure(error);
      if (authFailure && attempt === 1) {
        // Maybe rotated: read the secrets again and try once more.
        for (const id of built.secretIds) deps.secrets.invalidate(id);
        log('authentication failed; reading the credentials again and retrying once', { profile: connection.profile });
        continue;
      }
      const reason = describeDriverError(error);
      if (authFailure) {
        // Name the secret(s) to fix, never their values.
        const source = built.secretIds.length > 0 ? ` from secret ${built.secretIds.join(', ')}` : '';
        throw new ConfigError(
          `authentication to ${describeTarget(connection)} (${connection.profile}) failed twice, the second time with freshly read credentials${source}: ${reason}`,
          {
            cause: error,
          },
        );
      }
      throw new TransientError(`could not connect to ${describeTarget(connection)} (${connection.profile}): ${reason}`, { cause: error });
    }
  }
}

let containerClient: { key: string; client: Promise<cassandra.Client> } | undefined;

/**
 * The container's Client: connected once (during init) and reused by every
 * invocation. A failed connect is not kept, so the next invocation tries again.
 */
export function getCassandraClient(
  connection: ConnectionConfig,
  deps: CassandraClientDeps,
  overrides: CassandraClientOverrides = {},
): Promise<cassandra.Client> {
  const key = JSON.stringify(connection);
  if (containerClient?.key === key) return containerClient.client;
  const client = connectCassandra(connection, deps, overrides);
  const entry = { key, client };
  containerClient = entry;
  client.catch(() => {
    if (containerClient === entry) containerClient = undefined;
  });
  return client;
}

/** Shuts the container's Client down (tests, local runner). */
export async function closeCassandraClient(): Promise<void> {
  const entry = containerClient;
  containerClient = undefined;
  if (entry === undefined) return;
  const client = await entry.client.catch(() => undefined);
  await client?.shutdown();
}

/** True when the driver says the credentials were refused (directly, or on every host it tried). */
export function isAuthenticationFailure(error: unknown): boolean {
  if (error instanceof cassandra.errors.AuthenticationError) return true;
  if (error instanceof cassandra.errors.NoHostAvailableError) {
    const inner = Object.values((error.innerErrors ?? {}) as Record<string, unknown>);
    return inner.length > 0 && inner.every((e) => isAuthenticationFailure(e));
  }
  return false;
}

function describeDriverError(error: unknown): string {
  if (error instanceof cassandra.errors.NoHostAvailableError) {
    const inner = Object.entries((error.innerErrors ?? {}) as Record<string, unknown>).map(
      ([host, e]) => `${host}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    return inner.length > 0 ? `no host available (${inner.join('; ')})` : error.message;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function describeTarget(connection: ConnectionConfig): string {
  switch (connection.profile) {
    case 'cassandra':
      return connection.contactPoints.join(',');
    case 'astra':
      return 'secretArn' in connection.secureConnectBundle
        ? 'Astra (bundle from Secrets Manager)'
        : `Astra (bundle ${connection.secureConnectBundle.s3Uri})`;
    case 'keyspaces':
      return `${keyspacesEndpoint(connection.region)}:${KEYSPACES_PORT}`;
  }
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `connection.tls.caFile: cannot read ${JSON.stringify(file)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

type BundleSource = Extract<ConnectionConfig, { profile: 'astra' }>['secureConnectBundle'];

/** Writes the bundle under the temp dir once per container (and per content) and returns its path. */
async function astraBundlePath(source: BundleSource, deps: CassandraClientDeps): Promise<string> {
  const dir = deps.tmpDir ?? tmpdir();
  const name = createHash('sha256').update(JSON.stringify(source)).digest('hex').slice(0, 16);
  const file = path.join(dir, `kcs-astra-bundle-${name}.zip`);
  if (existsSync(file)) return file;
  const bytes = 'secretArn' in source ? await deps.secrets.getBytes(source.secretArn) : await readS3Bundle(source.s3Uri, deps.s3);
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, bytes, { mode: 0o600 });
  await rename(partial, file);
  return file;
}

async function readS3Bundle(uri: string, s3: S3Client | undefined): Promise<Buffer> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  const bucket = match?.[1];
  const key = match?.[2];
  if (bucket === undefined || key === undefined)
    throw new ConfigError(`connection.secureConnectBundle.s3Uri: expected s3://bucket/key, got ${JSON.stringify(uri)}`);
  if (s3 === undefined)
    throw new ConfigError('connection.secureConnectBundle.s3Uri is set but no S3 client was given to the connection builder');
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (object.Body === undefined) throw new Error('empty object');
    return Buffer.from(await object.Body.transformToByteArray());
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const text = `reading the Astra bundle ${uri} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    if (name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'AccessDenied') throw new ConfigError(text, { cause: error });
    throw new TransientError(text, { cause: error });
  }
}

async function defaultAwsCredentials(): Promise<AwsCredentialsProvider> {
  // Loaded lazily: only the keyspaces SigV4 profile needs the credential chain.
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const provider = fromNodeProviderChain();
  return () => provider();
}
