/** Flags several commands declare alike: one spelling, one description, one environment variable each. */
import { RuntimeVariable } from '../../lambdas/contract/runtime-env.js';
import type { OptionSpec } from './command.js';

/** --config / -c: the sink config file, as the Lambda reads it (SINK_CONFIG_FILE when the flag is absent). */
export const configOption: OptionSpec = {
  type: 'string',
  short: 'c',
  value: '<file>',
  description: 'Sink config (YAML or JSON).',
  env: RuntimeVariable.sinkConfigFile,
};

/** The flags that say how to reach and authenticate to Kafka, in --help order. */
export const KAFKA_CONNECTION_FLAGS = ['bootstrap-servers', 'kafka-auth', 'kafka-auth-secret-arn', 'msk-cluster-arn', 'kafka-tls'] as const;

/**
 * The Kafka connection flags of `run` (and of every command that reads Kafka as `run` does);
 * `kafkaAuth` describes --kafka-auth, whose kinds a command lists or refers to.
 */
export function kafkaConnectionOptions(descriptions: {
  readonly kafkaAuth: string;
  readonly kafkaTls: string;
}): Record<(typeof KAFKA_CONNECTION_FLAGS)[number], OptionSpec> {
  return {
    'bootstrap-servers': {
      type: 'string',
      short: 'b',
      value: '<host:port,…>',
      description: 'Kafka brokers (not needed with --msk-cluster-arn).',
      env: RuntimeVariable.kafkaBootstrapServers,
    },
    'kafka-auth': {
      type: 'string',
      value: '<none|tls|plain|scram-256|scram-512|iam>',
      description: descriptions.kafkaAuth,
      env: RuntimeVariable.kafkaAuth,
      default: 'none',
    },
    'kafka-auth-secret-arn': {
      type: 'string',
      value: '<arn>',
      description: 'Secrets Manager secret with the SASL username and password (plain, scram-*).',
      env: RuntimeVariable.kafkaAuthSecretArn,
    },
    'msk-cluster-arn': {
      type: 'string',
      value: '<arn>',
      description: 'Amazon MSK cluster: brokers from GetBootstrapBrokers, TLS on.',
      env: RuntimeVariable.kafkaClusterArn,
    },
    'kafka-tls': { type: 'boolean', description: descriptions.kafkaTls, env: RuntimeVariable.kafkaTls },
  };
}
