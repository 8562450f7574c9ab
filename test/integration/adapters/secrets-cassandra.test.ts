import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCassandraClient, connectCassandra, getCassandraClient } from '../../../lambdas/adapters/cassandra-client.js';
import { createLogger, observabilitySettings } from '../../../lambdas/adapters/observability.js';
import { SecretsManagerSource } from '../../../lambdas/adapters/secrets.js';
import { connectionSchema } from '../../../lambdas/core/config/connection.js';
import { ConfigError, TransientError } from '../../../lambdas/core/errors.js';
import { captureOutput } from '../../support/capture-output.js';
import { endpoints, localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../../support/services.js';

const client = new SecretsManagerClient(localAwsClientConfig);
const created: string[] = [];
// A role whose password is unique to this run, so finding it in a log line cannot be a coincidence.
const role = uniqueName('kcs_sink');
const password = `Pw-${uniqueName('x')}-${Math.random().toString(36).slice(2)}`;
let admin: cassandra.Client;

async function createSecret(value: string): Promise<string> {
  const out = await client.send(new CreateSecretCommand({ Name: uniqueName('kcs-secret'), SecretString: value }));
  if (out.ARN === undefined) throw new Error('no ARN');
  created.push(out.ARN);
  return out.ARN;
}

beforeAll(async () => {
  admin = localCassandraClient();
  await admin.connect();
  await admin.execute(`CREATE ROLE ${role} WITH PASSWORD = '${password}' AND LOGIN = true`);
});

afterAll(async () => {
  await closeCassandraClient();
  await admin.execute(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.shutdown();
  for (const arn of created)
    await client.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
  client.destroy();
});

describe('SecretsManagerSource against the emulator', () => {
  it('reads JSON credentials, tokens and binary; caches; invalidate() reads again', async () => {
    const arn = await createSecret(JSON.stringify({ username: 'u1', password: 'p1' }));
    const secrets = new SecretsManagerSource({ client });
    expect(await secrets.getUsernamePassword(arn)).toEqual({ username: 'u1', password: 'p1' });
    expect(await secrets.getUsernamePassword(arn)).toEqual({ username: 'u1', password: 'p1' });
    expect(secrets.fetchCount).toBe(1);

    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ username: 'u1', password: 'p2' }) }));
    expect((await secrets.getUsernamePassword(arn)).password).toBe('p1');
    secrets.invalidate(arn);
    expect((await secrets.getUsernamePassword(arn)).password).toBe('p2');
    expect(secrets.fetchCount).toBe(2);

    const tokenArn = await createSecret('AstraCS:token-value\n');
    expect(await secrets.getToken(tokenArn)).toBe('AstraCS:token-value');
    const bin = await client.send(
      new CreateSecretCommand({ Name: uniqueName('kcs-bin'), SecretBinary: Buffer.from([0x50, 0x4b, 0xff, 0x00]) }),
    );
    if (bin.ARN !== undefined) created.push(bin.ARN);
    expect(await secrets.getBytes(bin.ARN ?? '')).toEqual(Buffer.from([0x50, 0x4b, 0xff, 0x00]));
  });

  it('names the secret, never its value, when the shape is wrong; a missing secret is a ConfigError', async () => {
    const arn = await createSecret(JSON.stringify({ user: 'x', password: 'do-not-print-me' }));
    const secrets = new SecretsManagerSource({ client });
    const error = await secrets.getUsernamePassword(arn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain(arn);
    expect(String(error)).toContain('username');
    expect(String(error)).not.toContain('do-not-print-me');
    await expect(secrets.getText('arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-nope')).rejects.toThrow(ConfigError);
  });
});

describe('Cassandra with credentials from Secrets Manager', () => {
  const connectionFor = (arn: string) =>
    connectionSchema.parse({
      profile: 'cassandra',
      contactPoints: [endpoints.cassandra],
      localDataCenter: endpoints.cassandraLocalDataCenter,
      credentialsSecretArn: arn,
    });

  it('connects with the secret, and the password appears in no log line', async () => {
    const arn = await createSecret(JSON.stringify({ username: role, password }));
    const secrets = new SecretsManagerSource({ client });
    const logger = createLogger({ ...observabilitySettings(), serviceName: 'kcs-test' });
    const {
      result: session,
      error,
      lines,
    } = await captureOutput(async () => {
      const connected = await getCassandraClient(connectionFor(arn), {
        secrets,
        log: (message, fields) => {
          logger.info(message, fields ?? {});
        },
      });
      const rs = await connected.execute('SELECT release_version FROM system.local');
      logger.info('queried', { rows: rs.rowLength });
      return connected;
    });
    expect(error).toBeUndefined();
    expect(session).toBe(await getCassandraClient(connectionFor(arn), { secrets }));
    expect(lines.some((line) => line.includes('connected to the database'))).toBe(true);
    const leaks = lines.filter((line) => line.includes(password));
    expect(leaks).toEqual([]);
  });

  it('reads a rotated password again once after an authentication failure', async () => {
    const arn = await createSecret(JSON.stringify({ username: role, password: 'stale-password' }));
    const secrets = new SecretsManagerSource({ client });
    // The cache holds the stale value; then the secret rotates.
    await secrets.getUsernamePassword(arn);
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ username: role, password }) }));
    const messages: string[] = [];
    const connected = await connectCassandra(connectionFor(arn), { secrets, log: (m) => messages.push(m) });
    try {
      expect(messages).toContain('authentication failed; reading the credentials again and retrying once');
      expect(secrets.fetchCount).toBe(2);
    } finally {
      await connected.shutdown();
    }
  });

  it('fails with a ConfigError after a second refusal, without the password in the message', async () => {
    const arn = await createSecret(JSON.stringify({ username: role, password: 'wrong-password-xyz' }));
    const secrets = new SecretsManagerSource({ client });
    const error = await connectCassandra(connectionFor(arn), { secrets }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/failed twice/);
    expect(String(error)).not.toContain('wrong-password-xyz');
    expect(secrets.fetchCount).toBe(2);
  });

  it('an unreachable cluster is a TransientError', async () => {
    const arn = await createSecret(JSON.stringify(localCassandraCredentials));
    const connection = connectionSchema.parse({
      profile: 'cassandra',
      contactPoints: ['127.0.0.1:1'],
      localDataCenter: 'dc1',
      credentialsSecretArn: arn,
    });
    await expect(
      connectCassandra(
        connection,
        { secrets: new SecretsManagerSource({ client }) },
        { clientOptions: { socketOptions: { connectTimeout: 1000 } } },
      ),
    ).rejects.toThrow(TransientError);
  });
});
