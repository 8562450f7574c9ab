import { KafkaClient } from '@aws-sdk/client-kafka';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { readRuntimeEnvironment } from '../../contract/runtime-env.js';
import { ConfigError } from '../../core/errors.js';
import type { AwsCredentialsProvider } from '../keyspaces-sigv4.js';
import type { SecretSource } from '../secrets.js';
import type { BrokerAuth, KafkaConnection } from './connection.js';
import { mskBootstrapServers, type MskListener } from './msk.js';

/**
 * The connection settings of a client of ours, from the environment or the
 * CLI's flags, resolved to a KafkaConnection. The stack sets for the replay function (infra/constructs/kafka-source.ts):
 *  - KAFKA_CLUSTER_ARN (MSK) or KAFKA_BOOTSTRAP_SERVERS (self-managed, local)
 *  - KAFKA_AUTH: iam | sasl-scram-512 | sasl-scram-256 | plain | mtls | none
 *  - KAFKA_AUTH_SECRET_ARN: the SASL secret ({username, password})
 * The CLI spells the kinds none | tls | plain | scram-256 | scram-512 | iam;
 * both spellings are accepted everywhere (mtls is not supported yet).
 */

/** The environment the settings are read from (process.env, or a test's). */
export type KafkaEnvironment = Readonly<Record<string, string | undefined>>;

export type KafkaAuthKind = 'none' | 'tls' | 'plain' | 'scram-256' | 'scram-512' | 'iam';

export const KAFKA_AUTH_KINDS: readonly KafkaAuthKind[] = ['none', 'tls', 'plain', 'scram-256', 'scram-512', 'iam'];

const ALIASES: Readonly<Record<string, KafkaAuthKind>> = {
  'sasl-scram-256': 'scram-256',
  'sasl-scram-512': 'scram-512',
  'scram-sha-256': 'scram-256',
  'scram-sha-512': 'scram-512',
  'msk-iam': 'iam',
};

/** Parses a KAFKA_AUTH / --kafka-auth value (case-insensitive; the deployment's spellings too); undefined or empty is `none`. */
export function parseKafkaAuthKind(text: string | undefined): KafkaAuthKind {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '') return 'none';
  const kind = ALIASES[value] ?? KAFKA_AUTH_KINDS.find((k) => k === value);
  if (kind === undefined) {
    throw new ConfigError(
      `Kafka authentication ${JSON.stringify(text)} is not supported (supported: ${KAFKA_AUTH_KINDS.join(', ')}; also sasl-scram-256, sasl-scram-512)`,
    );
  }
  return kind;
}

export interface KafkaConnectionSettings {
  /** KAFKA_AUTH / --kafka-auth; default none. */
  readonly auth?: string;
  /** The SASL secret, JSON {username, password}: KAFKA_AUTH_SECRET_ARN / --kafka-auth-secret-arn. */
  readonly authSecretArn?: string;
  /** An MSK cluster: brokers come from GetBootstrapBrokers (its listener for the auth kind), TLS is on. */
  readonly clusterArn?: string;
  /** Used when there is no cluster ARN. */
  readonly bootstrapServers?: readonly string[];
  /** TLS for plain/SCRAM/none without a cluster ARN (a self-managed SASL_SSL or SSL listener); default off. */
  readonly tls?: boolean;
  /** Region for MSK IAM when neither the cluster ARN nor an MSK broker name gives one (AWS_REGION). */
  readonly region?: string;
  /** Secret holding the PEM root CA of brokers signed by a private CA: KAFKA_ROOT_CA_SECRET_ARN. */
  readonly rootCaSecretArn?: string;
}

export interface KafkaConnectionDeps {
  readonly secrets: SecretSource;
  /** Default: a KafkaClient for the region (AWS as the environment says). */
  readonly kafkaClient?: (region: string) => KafkaClient;
  /** Default: the Node.js credential provider chain. */
  readonly credentials?: () => AwsCredentialsProvider;
}

/** The settings the replay function (and the CLI's fallbacks) read from the environment. */
export function kafkaSettingsFromEnvironment(env: KafkaEnvironment): KafkaConnectionSettings {
  const {
    kafkaAuth: auth,
    kafkaAuthSecretArn: authSecretArn,
    kafkaClusterArn: clusterArn,
    kafkaBootstrapServers: servers,
    kafkaTls: tls,
    region,
    kafkaRootCaSecretArn: rootCaSecretArn,
  } = readRuntimeEnvironment(env);
  return {
    ...(auth === undefined ? {} : { auth }),
    ...(authSecretArn === undefined ? {} : { authSecretArn }),
    ...(clusterArn === undefined ? {} : { clusterArn }),
    ...(servers === undefined ? {} : { bootstrapServers: servers }),
    ...(tls === undefined ? {} : { tls }),
    ...(region === undefined ? {} : { region }),
    ...(rootCaSecretArn === undefined ? {} : { rootCaSecretArn }),
  };
}

/** The region of an MSK cluster ARN (arn:aws:kafka:<region>:…). */
function arnRegion(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
}

/** The region of an MSK broker name (b-1.name.abc123.c2.kafka.<region>.amazonaws.com:9098). */
function brokerRegion(servers: readonly string[] | undefined): string | undefined {
  for (const server of servers ?? []) {
    const match = /\.kafka(?:-serverless)?\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$/.exec(server);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** The MSK listener that serves an auth kind. */
export function mskListenerFor(kind: KafkaAuthKind): MskListener {
  if (kind === 'iam') return 'iam';
  if (kind === 'scram-256' || kind === 'scram-512') return 'sasl-scram';
  return 'tls';
}

/**
 * Resolves the BrokerAuth for settings: reads the SASL secret (its values
 * never appear in an error), picks TLS (always with MSK), and for IAM the
 * region and the credential provider chain.
 */
export async function resolveBrokerAuth(settings: KafkaConnectionSettings, deps: KafkaConnectionDeps): Promise<BrokerAuth> {
  const kind = parseKafkaAuthKind(settings.auth);
  const msk = settings.clusterArn !== undefined && settings.clusterArn !== '';
  // A private root CA only makes sense over TLS, so naming one turns TLS on.
  const tls = msk || settings.tls === true || (settings.rootCaSecretArn !== undefined && settings.rootCaSecretArn !== '');
  const sasl = async (mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'): Promise<BrokerAuth> => {
    const secretArn = settings.authSecretArn;
    if (secretArn === undefined || secretArn === '')
      throw new ConfigError(`Kafka authentication ${kind} needs the SASL secret's ARN (KAFKA_AUTH_SECRET_ARN, or --kafka-auth-secret-arn)`);
    const { username, password } = await deps.secrets.getUsernamePassword(secretArn);
    return { type: 'sasl', mechanism, username, password, tls };
  };
  switch (kind) {
    case 'iam': {
      const region = arnRegion(settings.clusterArn) ?? brokerRegion(settings.bootstrapServers) ?? settings.region;
      if (region === undefined)
        throw new ConfigError('Kafka authentication iam needs a region: give the MSK cluster ARN, MSK broker names, or set AWS_REGION');
      const provider = deps.credentials?.() ?? fromNodeProviderChain();
      return { type: 'msk-iam', region, credentials: async () => provider() };
    }
    case 'scram-512':
      return sasl('SCRAM-SHA-512');
    case 'scram-256':
      return sasl('SCRAM-SHA-256');
    case 'plain':
      return sasl('PLAIN');
    case 'tls':
      return { type: 'tls' };
    case 'none':
      return tls ? { type: 'none', tls: true } : { type: 'none' };
  }
}

/** Resolves brokers and auth: GetBootstrapBrokers for a cluster ARN (which wins over bootstrap servers), else the bootstrap servers. */
export async function resolveKafkaConnection(settings: KafkaConnectionSettings, deps: KafkaConnectionDeps): Promise<KafkaConnection> {
  const kind = parseKafkaAuthKind(settings.auth);
  const clusterArn = settings.clusterArn;
  if (clusterArn === undefined || clusterArn === '') {
    if (settings.bootstrapServers === undefined || settings.bootstrapServers.length === 0) {
      throw new ConfigError(
        'no Kafka brokers: set KAFKA_CLUSTER_ARN or KAFKA_BOOTSTRAP_SERVERS (or --msk-cluster-arn, --bootstrap-servers)',
      );
    }
  }
  const auth = await resolveBrokerAuth(settings, deps);
  const ca =
    settings.rootCaSecretArn === undefined || settings.rootCaSecretArn === ''
      ? {}
      : { ca: await deps.secrets.getText(settings.rootCaSecretArn) };
  if (clusterArn !== undefined && clusterArn !== '') {
    const region = arnRegion(clusterArn) ?? settings.region ?? 'us-east-1';
    const kafka = deps.kafkaClient?.(region) ?? new KafkaClient({ region });
    return { bootstrapServers: await mskBootstrapServers(kafka, clusterArn, mskListenerFor(kind)), auth, ...ca };
  }
  return { bootstrapServers: [...(settings.bootstrapServers ?? [])], auth, ...ca };
}

/** For the replay function: resolved on first use and kept for the container. */
export function kafkaConnectionFromEnvironment(env: KafkaEnvironment, secrets: SecretSource): () => Promise<KafkaConnection> {
  let resolved: Promise<KafkaConnection> | undefined;
  return () => {
    resolved ??= resolveKafkaConnection(kafkaSettingsFromEnvironment(env), { secrets });
    // A failed resolution is not kept: the next message tries again.
    resolved.catch(() => {
      resolved = undefined;
    });
    return resolved;
  };
}
