import { describe, expect, it } from 'vitest';
import { parseDeployConfig, resolveDeployment } from '../../infra/config/load.js';
import { placeholderSecretArn } from '../../lambdas/core/config/placeholders.js';
import { ConfigError } from '../../lambdas/core/errors.js';

const deploy = {
  env: { account: '123456789012', region: 'eu-west-1' },
  sinkConfig: 'sink.yaml',
  network: { create: {} },
  kafka: { type: 'msk', clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2' },
};
const sink = (credentialsSecretArn: string) => ({
  connection: { profile: 'cassandra', contactPoints: ['10.0.1.10'], localDataCenter: 'dc1', credentialsSecretArn },
  topics: { orders: { tables: { 'shop.t': { mapping: 'id=key, v=value.v' } } } },
});

describe('a placeholder secret ARN at synth', () => {
  it('fails the synth, naming the setting', () => {
    let error: unknown;
    try {
      resolveDeployment(parseDeployConfig(deploy, 'deploy.yaml'), sink(placeholderSecretArn('cassandra-credentials')), 'sink.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(
      /^sink\.yaml: connection\.credentialsSecretArn: .*REPLACE_ME-cassandra-credentials is a placeholder/,
    );
  });

  it('is replaced by the secret the stack creates (connectionSecret.mode: create)', () => {
    const resolved = resolveDeployment(
      parseDeployConfig({ ...deploy, connectionSecret: { mode: 'create' } }, 'deploy.yaml'),
      sink(placeholderSecretArn('cassandra-credentials')),
      'sink.yaml',
    );
    expect(resolved.sink.connection).toMatchObject({
      credentialsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-cql-sink/connection',
    });
  });
});
