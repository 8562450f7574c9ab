import { describe, expect, it } from 'vitest';
import { main } from '../../../local/cli/main.js';
import { helpText, parseCommandArgs, UsageError } from '../../../local/cli/command.js';
import { kafkaSettingsFromFlags, resolveRunKafka, runCommand } from '../../../local/cli/commands/run.js';
import type { SecretSource } from '../../../lambdas/adapters/secrets.js';
import { captureIo } from '../../support/capture-io.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-sink-AbCdEf';
const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/prod/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2';

const secrets: SecretSource = {
  getUsernamePassword: () => Promise.resolve({ username: 'sink', password: 'hunter2-secret' }),
  getToken: () => Promise.reject(new Error('not used')),
  getBytes: () => Promise.reject(new Error('not used')),
  getText: () => Promise.reject(new Error('not used')),
  invalidate: () => undefined,
};

function settings(argv: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof kafkaSettingsFromFlags> {
  return kafkaSettingsFromFlags(parseCommandArgs(runCommand, argv, env).values, env);
}

describe('run: Kafka connection flags', () => {
  it('documents them in --help', () => {
    const help = helpText(runCommand);
    for (const flag of [
      '--kafka-auth <none|tls|plain|scram-256|scram-512|iam>',
      '--kafka-auth-secret-arn <arn>',
      '--msk-cluster-arn <arn>',
      '--kafka-tls',
    ])
      expect(help).toContain(flag);
    expect(help).toContain('env KAFKA_AUTH)');
    expect(help).toContain('env KAFKA_AUTH_SECRET_ARN');
    expect(help).toContain('env KAFKA_CLUSTER_ARN');
    expect(help).toMatch(/iam {8}MSK IAM/);
  });

  it("reads the flags, falling back to the replay function's variables", () => {
    expect(settings(['--kafka-auth', 'scram-512', '--kafka-auth-secret-arn', SECRET_ARN, '-b', 'k1:9096,k2:9096', '--kafka-tls'])).toEqual({
      auth: 'scram-512',
      authSecretArn: SECRET_ARN,
      bootstrapServers: ['k1:9096', 'k2:9096'],
      tls: true,
    });
    expect(settings([], { KAFKA_AUTH: 'iam', KAFKA_CLUSTER_ARN: CLUSTER_ARN, AWS_REGION: 'eu-west-1' })).toEqual({
      auth: 'iam',
      clusterArn: CLUSTER_ARN,
      region: 'eu-west-1',
    });
    // A flag wins over its variable.
    expect(settings(['--kafka-auth', 'tls'], { KAFKA_AUTH: 'iam', KAFKA_TLS: 'true' })).toEqual({ auth: 'tls', tls: true });
    expect(settings([])).toEqual({ auth: 'none' });
  });

  it('rejects an unknown kind and SASL without a secret as usage errors', async () => {
    expect(() => settings(['--kafka-auth', 'kerberos'])).toThrow(UsageError);
    expect(() => settings(['--kafka-auth', 'kerberos'])).toThrow(/--kafka-auth must be one of none, tls, plain, scram-256, scram-512, iam/);
    await expect(resolveRunKafka({ auth: 'plain', bootstrapServers: ['k1:9092'] }, { secrets })).rejects.toThrow(UsageError);
    await expect(resolveRunKafka({ auth: 'scram-256', bootstrapServers: ['k1:9092'] }, { secrets })).rejects.toThrow(
      /--kafka-auth scram-256 needs --kafka-auth-secret-arn/,
    );
  });

  it('resolves SASL over TLS to a self-managed Kafka', async () => {
    const kafka = await resolveRunKafka(
      settings(['--kafka-auth', 'scram-512', '--kafka-auth-secret-arn', SECRET_ARN, '-b', 'k1:9096', '--kafka-tls']),
      { secrets },
    );
    expect(kafka).toEqual({
      bootstrapServers: ['k1:9096'],
      auth: { type: 'sasl', mechanism: 'SCRAM-SHA-512', username: 'sink', password: 'hunter2-secret', tls: true },
    });
  });

  it('needs brokers or a cluster ARN with --config', async () => {
    const io = captureIo();
    const saved = { servers: process.env.KAFKA_BOOTSTRAP_SERVERS, cluster: process.env.KAFKA_CLUSTER_ARN };
    delete process.env.KAFKA_BOOTSTRAP_SERVERS;
    delete process.env.KAFKA_CLUSTER_ARN;
    try {
      expect(await main(['run', '--config', 'config/example.sink.yaml', '--kafka-auth', 'iam'], io)).toBe(2);
    } finally {
      if (saved.servers !== undefined) process.env.KAFKA_BOOTSTRAP_SERVERS = saved.servers;
      if (saved.cluster !== undefined) process.env.KAFKA_CLUSTER_ARN = saved.cluster;
    }
    expect(io.stderr[0]).toContain(
      '--bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) or --msk-cluster-arn (or KAFKA_CLUSTER_ARN) is required with --config',
    );
  });
});
