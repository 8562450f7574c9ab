import { Admin, Producer, type SASLOptions } from '@platformatic/kafka';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { BrokerAuth, KafkaConnection } from './connection.js';
import { mskIamToken } from './msk-iam.js';

/** The connection part of a @platformatic/kafka client's options (Consumer, Admin, Producer). */
export interface KafkaClientAuthOptions {
  tls?: TlsConnectionOptions;
  sasl?: SASLOptions;
}

/**
 * Turns a BrokerAuth into client options: TLS with the system's CAs (MSK's
 * certificates are publicly trusted) or the given private root CA,
 * SASL PLAIN/SCRAM with the username and password, or for MSK IAM TLS plus
 * SASL/OAUTHBEARER with a fresh MSK IAM token per connection.
 */
export function kafkaClientOptions(auth: BrokerAuth, ca?: string): KafkaClientAuthOptions {
  const tls = ca === undefined ? {} : { ca };
  switch (auth.type) {
    case 'none':
      return auth.tls === true ? { tls } : {};
    case 'tls':
      return { tls };
    case 'sasl':
      return {
        ...(auth.tls === true ? { tls } : {}),
        sasl: { mechanism: auth.mechanism, username: auth.username, password: auth.password },
      };
    case 'msk-iam':
      return { tls, sasl: { mechanism: 'OAUTHBEARER', token: () => mskIamToken(auth.region, auth.credentials) } };
  }
}

/** The common options of every client of a connection: brokers, TLS, SASL. */
export function connectionClientOptions(
  connection: KafkaConnection,
  clientId: string,
): { clientId: string; bootstrapBrokers: string[] } & KafkaClientAuthOptions {
  return { clientId, bootstrapBrokers: [...connection.bootstrapServers], ...kafkaClientOptions(connection.auth, connection.ca) };
}

/** An admin client on the connection; the caller closes it. */
export function createKafkaAdmin(connection: KafkaConnection, clientId: string): Admin {
  return new Admin(connectionClientOptions(connection, clientId));
}

/** An idempotent producer on the connection (a retried send never duplicates a record); the caller closes it. */
export function createKafkaProducer(connection: KafkaConnection, clientId: string): Producer {
  return new Producer({ ...connectionClientOptions(connection, clientId), idempotent: true });
}
