import { KafkaClient } from '@aws-sdk/client-kafka';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ConfigError } from '../core/errors.js';
import { mskBootstrapServers, splitServers, type BrokerAuth, type KafkaConnection } from './kafka-refetch.js';
import type { SecretSource } from './secrets.js';
import type { SinkEnvironment } from './sink-runtime.js';

/**
 * How the replay function reaches Kafka to re-read the offsets of an event
 * source mapping's on-failure message. The stack sets (infra/constructs/kafka-source.ts):
 *  - KAFKA_CLUSTER_ARN (MSK) or KAFKA_BOOTSTRAP_SERVERS (self-managed, local)
 *  - KAFKA_AUTH: iam | sasl-scram-512 | sasl-scram-256 | plain | mtls | none
 *  - KAFKA_AUTH_SECRET_ARN: the SASL secret ({username, password})
 * Resolved on first use and kept for the container.
 */
export function kafkaConnectionFromEnvironment(env: SinkEnvironment, secrets: SecretSource): () => Promise<KafkaConnection> {
  let resolved: Promise<KafkaConnection> | undefined;
  return () => {
    resolved ??= resolve(env, secrets);
    // A failed resolution is not kept: the next message tries again.
    resolved.catch(() => { resolved = undefined; });
    return resolved;
  };
}

async function resolve(env: SinkEnvironment, secrets: SecretSource): Promise<KafkaConnection> {
  const authType = env.KAFKA_AUTH ?? 'none';
  const clusterArn = env.KAFKA_CLUSTER_ARN;
  const region = clusterArn?.split(':')[3] ?? env.AWS_REGION ?? 'us-east-1';
  const sasl = async (mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'): Promise<BrokerAuth> => {
    const secretArn = env.KAFKA_AUTH_SECRET_ARN;
    if (secretArn === undefined || secretArn === '') throw new ConfigError(`KAFKA_AUTH=${authType} needs KAFKA_AUTH_SECRET_ARN`);
    const { username, password } = await secrets.getUsernamePassword(secretArn);
    return { type: 'sasl', mechanism, username, password, tls: clusterArn !== undefined };
  };
  let auth: BrokerAuth;
  switch (authType) {
    case 'iam': {
      const provider = fromNodeProviderChain();
      auth = { type: 'msk-iam', region, credentials: async () => provider() };
      break;
    }
    case 'sasl-scram-512':
      auth = await sasl('SCRAM-SHA-512');
      break;
    case 'sasl-scram-256':
      auth = await sasl('SCRAM-SHA-256');
      break;
    case 'plain':
      auth = await sasl('PLAIN');
      break;
    case 'none':
      auth = { type: 'none' };
      break;
    default:
      throw new ConfigError(`KAFKA_AUTH=${JSON.stringify(authType)} is not supported for re-reading records (supported: iam, sasl-scram-512, sasl-scram-256, plain, none)`);
  }
  if (clusterArn !== undefined && clusterArn !== '') {
    const listener = authType === 'iam' ? 'iam' : authType.startsWith('sasl-scram') ? 'sasl-scram' : 'tls';
    const bootstrapServers = await mskBootstrapServers(new KafkaClient({ region }), clusterArn, listener);
    return { bootstrapServers, auth };
  }
  const servers = splitServers(env.KAFKA_BOOTSTRAP_SERVERS ?? '');
  if (servers.length === 0) throw new ConfigError('set KAFKA_CLUSTER_ARN or KAFKA_BOOTSTRAP_SERVERS so on-failure batches can be re-read from Kafka');
  return { bootstrapServers: servers, auth };
}
