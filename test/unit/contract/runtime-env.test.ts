import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../../../lambdas/contract/metric-names.js';
import {
  readRuntimeEnvironment,
  RuntimeVariable,
  writeRuntimeEnvironment,
  type RuntimeEnvironmentValues,
} from '../../../lambdas/contract/runtime-env.js';
import { ConfigError } from '../../../lambdas/core/errors.js';

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the runtime environment contract', () => {
  it('reads back every value it writes', () => {
    const values: RuntimeEnvironmentValues = {
      dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
      dlqOverflowBucket: 'overflow',
      dlqMaxMessageBytes: 4096,
      createdConnectionSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/connection',
      kafkaAuth: 'sasl-scram-512',
      kafkaBootstrapServers: ['k1:9096', 'k2:9096'],
      kafkaTls: true,
      kafkaAuthSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka/user-AbCdEf',
      kafkaRootCaSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka/ca-AbCdEf',
      serviceName: 'svc',
      metricsNamespace: 'Ns',
      sinkConfigFile: '/var/task/sink-config.json',
      nodeOptions: '--enable-source-maps',
    };
    const filters = [{ value: { status: ['PAID'] } }];
    const read = readRuntimeEnvironment(writeRuntimeEnvironment({ ...values, kafkaFilters: filters, functionName: 'fn' }));
    expect(read).toMatchObject(values);
    expect(read.kafkaFilters.patterns).toEqual(filters);
    expect(read.functionName).toBe('fn');
  });

  it('writes in one fixed order and leaves out what is unset, and an empty filter list', () => {
    const written = writeRuntimeEnvironment({
      nodeOptions: '--x',
      serviceName: 's',
      kafkaClusterArn: 'arn',
      kafkaAuth: 'iam',
      dlqUrl: 'q',
      kafkaFilters: [],
    });
    expect(Object.keys(written)).toEqual(['DLQ_URL', 'KAFKA_AUTH', 'KAFKA_CLUSTER_ARN', 'POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS']);
  });

  it('applies the defaults and treats a blank variable as unset', () => {
    const read = readRuntimeEnvironment({ DLQ_URL: '', POWERTOOLS_SERVICE_NAME: '  ', AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(read.dlqUrl).toBeUndefined();
    expect(read).toMatchObject({
      serviceName: DEFAULT_SERVICE_NAME,
      metricsNamespace: DEFAULT_METRICS_NAMESPACE,
      region: 'eu-west-1',
      functionName: 'kafka-cql-sink',
      functionVersion: '$LATEST',
    });
    expect(read.kafkaFilters.patterns).toEqual([]);
    expect(readRuntimeEnvironment({ AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('us-east-1');
  });

  it('names every bad variable with its value', () => {
    expect(problems(() => readRuntimeEnvironment({ DLQ_MAX_MESSAGE_BYTES: '256k', KAFKA_TLS: 'maybe' }))).toEqual([
      'environment variable DLQ_MAX_MESSAGE_BYTES: expected a positive whole number of bytes (got "256k")',
      'environment variable KAFKA_TLS: expected one of 1, true, yes, 0, false, no (got "maybe")',
    ]);
    expect(problems(() => readRuntimeEnvironment({ KAFKA_FILTERS: '[{"value":{"status":[{"wildcard":"P*"}]}}]' }))[0]).toMatch(
      /^KAFKA_FILTERS: 0\.value\.status\.0\.wildcard: operator "wildcard" is not supported.*\(got "P\*"\)$/,
    );
    expect(problems(() => readRuntimeEnvironment({ KAFKA_FILTERS: '{oops' }))[0]).toMatch(/^KAFKA_FILTERS: not JSON/);
  });

  it('reads TLS flags as the CLI and the stack spell them', () => {
    for (const on of ['1', 'true', 'YES']) expect(readRuntimeEnvironment({ KAFKA_TLS: on }).kafkaTls).toBe(true);
    for (const off of ['0', 'false', 'No']) expect(readRuntimeEnvironment({ KAFKA_TLS: off }).kafkaTls).toBe(false);
    expect(readRuntimeEnvironment({ KAFKA_BOOTSTRAP_SERVERS: ' a:1, ,b:2 ' }).kafkaBootstrapServers).toEqual(['a:1', 'b:2']);
    expect(readRuntimeEnvironment({ KAFKA_BOOTSTRAP_SERVERS: ' , ' }).kafkaBootstrapServers).toBeUndefined();
  });

  it('names each variable once, in SCREAMING_SNAKE_CASE', () => {
    const names = Object.values(RuntimeVariable);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });
});
