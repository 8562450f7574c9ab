/**
 * `run --config` against a real cluster: the Kafka of the flags (brokers, TLS,
 * SASL from a Secrets Manager secret, MSK IAM, or an MSK cluster's brokers),
 * the config's own database connection and the dead-letter queue given, with
 * AWS as the environment says. Nothing is created and nothing is rewritten.
 */
import { writeRuntimeEnvironment } from '../../../../lambdas/contract/runtime-env.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  describeBrokerAuth,
  KAFKA_AUTH_KINDS,
  parseKafkaAuthKind,
  resolveKafkaConnection,
  type KafkaConnection,
  type KafkaConnectionDeps,
  type KafkaConnectionSettings,
} from '../../../../lambdas/adapters/kafka/index.js';
import { SecretsManagerSource } from '../../../../lambdas/adapters/secrets.js';
import { groupIdForConfig } from '../../../runner/consumer-group.js';
import type { RunSinkOptions } from '../../../runner/run.js';
import { listOf, stringOf, UsageError, type Io, type Values } from '../../command.js';
import { sinkTarget } from '../../target.js';
import { topicsOption } from './flags.js';
import type { RunSetup } from './run-setup.js';

export async function setUpRemoteRun(configFile: string, values: Values, io: Io, poller: RunSinkOptions['poller']): Promise<RunSetup> {
  const settings = kafkaSettingsFromFlags(values);
  if (settings.clusterArn === undefined && settings.bootstrapServers === undefined) {
    throw new UsageError(
      '--bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) or --msk-cluster-arn (or KAFKA_CLUSTER_ARN) is required with --config',
    );
  }
  const dlqUrl = stringOf(values, 'dlq-url');
  if (dlqUrl === undefined) throw new UsageError('--dlq-url (or DLQ_URL) is required with --config: poison records go there');
  const overflow = stringOf(values, 'dlq-overflow-bucket');
  const target = await sinkTarget(
    configFile,
    false,
    writeRuntimeEnvironment({ dlqUrl, ...(overflow === undefined ? {} : { dlqOverflowBucket: overflow }) }),
  );
  const onFailure = stringOf(values, 'on-failure-url');
  const kafka = await resolveRunKafka(settings, { secrets: new SecretsManagerSource({ client: new SecretsManagerClient({}) }) });
  const options = {
    env: target.env,
    bootstrapServers: kafka.bootstrapServers,
    auth: kafka.auth,
    groupId: stringOf(values, 'group-id') ?? groupIdForConfig(configFile),
    ...(onFailure === undefined ? {} : { onFailureQueueUrl: onFailure }),
    ...topicsOption(values),
    poller,
  };
  io.out(
    `running ${target.configName} on ${kafka.bootstrapServers.join(',')} (${describeBrokerAuth(kafka.auth)}), group ${options.groupId}; AWS ${process.env.AWS_ENDPOINT_URL ?? 'from the environment (real AWS)'}`,
  );
  return { options, demoRate: 0 };
}

/** The Kafka settings of the flags (which fall back to KAFKA_* variables); a usage error for an unknown --kafka-auth. */
export function kafkaSettingsFromFlags(values: Values, env: NodeJS.ProcessEnv = process.env): KafkaConnectionSettings {
  const auth = stringOf(values, 'kafka-auth');
  try {
    parseKafkaAuthKind(auth);
  } catch {
    throw new UsageError(`--kafka-auth must be one of ${KAFKA_AUTH_KINDS.join(', ')}, got ${JSON.stringify(auth)}`);
  }
  const authSecretArn = stringOf(values, 'kafka-auth-secret-arn');
  const clusterArn = stringOf(values, 'msk-cluster-arn');
  const bootstrapServers = listOf(values, 'bootstrap-servers');
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    ...(auth === undefined ? {} : { auth }),
    ...(authSecretArn === undefined ? {} : { authSecretArn }),
    ...(clusterArn === undefined ? {} : { clusterArn }),
    ...(bootstrapServers === undefined || bootstrapServers.length === 0 ? {} : { bootstrapServers }),
    ...(values['kafka-tls'] === true ? { tls: true } : {}),
    ...(region === undefined || region === '' ? {} : { region }),
  };
}

/** Brokers and auth for `run`: the replay function's resolution (secret, GetBootstrapBrokers, IAM), with flag names in usage errors. */
export async function resolveRunKafka(settings: KafkaConnectionSettings, deps: KafkaConnectionDeps): Promise<KafkaConnection> {
  const kind = parseKafkaAuthKind(settings.auth);
  if ((kind === 'plain' || kind === 'scram-256' || kind === 'scram-512') && settings.authSecretArn === undefined) {
    throw new UsageError(
      `--kafka-auth ${kind} needs --kafka-auth-secret-arn (or KAFKA_AUTH_SECRET_ARN): the Secrets Manager secret with the SASL username and password`,
    );
  }
  return resolveKafkaConnection(settings, deps);
}
