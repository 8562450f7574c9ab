import { GetBootstrapBrokersCommand, type KafkaClient } from '@aws-sdk/client-kafka';
import { ConfigError, TransientError } from '../../core/errors.js';
import { splitServers } from './connection.js';

/** Which MSK listener to use; default IAM. */
export type MskListener = 'iam' | 'tls' | 'plaintext' | 'sasl-scram';

/** Finds an MSK cluster's bootstrap brokers for a listener (the ARN's region is the cluster's). */
export async function mskBootstrapServers(kafka: KafkaClient, clusterArn: string, listener: MskListener = 'iam'): Promise<string[]> {
  let out;
  try {
    out = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const text = `GetBootstrapBrokers for ${clusterArn} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    if (name === 'NotFoundException' || name === 'ForbiddenException' || name === 'UnauthorizedException' || name === 'BadRequestException')
      throw new ConfigError(text, { cause: error });
    throw new TransientError(text, { cause: error });
  }
  const text = {
    iam: out.BootstrapBrokerStringSaslIam,
    tls: out.BootstrapBrokerStringTls,
    plaintext: out.BootstrapBrokerString,
    'sasl-scram': out.BootstrapBrokerStringSaslScram,
  }[listener];
  if (text === undefined || text === '')
    throw new ConfigError(`MSK cluster ${clusterArn} has no ${listener} listener (GetBootstrapBrokers returned none)`);
  return splitServers(text);
}
