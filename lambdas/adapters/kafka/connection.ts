import type { AwsCredentialsProvider } from '../keyspaces-sigv4.js';

/**
 * How a client of ours reaches Kafka: the replay function (re-reading an
 * on-failure message's offsets), the local poller and the CLI.
 *  - MSK: brokers from GetBootstrapBrokers (msk.ts), IAM authentication
 *    (TLS + SASL/OAUTHBEARER with an MSK IAM token signed from the role), or
 *    TLS / SASL/SCRAM / plaintext listeners.
 *  - self-managed or local: the configured bootstrap servers, plaintext or
 *    TLS, optionally SASL PLAIN/SCRAM.
 */
export type BrokerAuth =
  | { readonly type: 'none'; readonly tls?: boolean }
  | { readonly type: 'tls' }
  | {
      readonly type: 'sasl';
      readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
      readonly username: string;
      readonly password: string;
      readonly tls?: boolean;
    }
  | { readonly type: 'msk-iam'; readonly region: string; readonly credentials: AwsCredentialsProvider };

export interface KafkaConnection {
  readonly bootstrapServers: readonly string[];
  readonly auth: BrokerAuth;
  /** PEM root CA of brokers signed by a private CA; default the system's CAs. */
  readonly ca?: string;
}

/** A plaintext connection without authentication (the local Kafka). */
export function plaintextConnection(bootstrapServers: readonly string[]): KafkaConnection {
  return { bootstrapServers, auth: { type: 'none' } };
}

/** One splitting of a server list for the environment and the CLI: the runtime contract's. */
export { splitServers } from '../../contract/runtime-env.js';

/** What a BrokerAuth is, for logs and progress lines: never a credential. */
export function describeBrokerAuth(auth: BrokerAuth): string {
  switch (auth.type) {
    case 'none':
      return auth.tls === true ? 'TLS, no authentication' : 'plaintext, no authentication';
    case 'tls':
      return 'TLS, no authentication';
    case 'sasl':
      return `SASL/${auth.mechanism} as ${auth.username}${auth.tls === true ? ' over TLS' : ' (plaintext)'}`;
    case 'msk-iam':
      return `MSK IAM (SASL/OAUTHBEARER over TLS, ${auth.region})`;
  }
}

/** A connection, or the bootstrap servers of a plaintext one (the local Kafka). */
export type KafkaTarget = KafkaConnection | readonly string[];

export function kafkaTargetConnection(target: KafkaTarget): KafkaConnection {
  return isServerList(target) ? plaintextConnection(target) : target;
}

function isServerList(target: KafkaTarget): target is readonly string[] {
  return Array.isArray(target);
}
