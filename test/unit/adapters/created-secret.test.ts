import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { checkCreatedSecret, withCreatedSecretHint } from '../../../lambdas/adapters/created-secret.js';
import { SecretsManagerSource } from '../../../lambdas/adapters/secrets.js';
import { createSinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import type { SinkConfig } from '../../../lambdas/core/config/schema.js';
import type { DeadLetter, DeadLetterSink } from '../../../lambdas/core/dead-letter.js';
import { ConfigError, TransientError } from '../../../lambdas/core/errors.js';

// The created secret's partial ARN, as the stack bundles it and sets CREATED_CONNECTION_SECRET_ARN.
const created = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-sink/connection';
const bundle = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:astra/bundle-AbCdEf';
// What Secrets Manager generates from the stack's template: 32 characters, no punctuation.
const generated = 'Zq3vT9mKx2LwP8nR4sYb7cHd1fGj6eAu';

/** The real Secrets Manager source over a fake client holding secret strings by id. */
function secretsHolding(values: Record<string, string>): SecretsManagerSource {
  const client = {
    send: (command: { input: { SecretId: string } }) => {
      const value = values[command.input.SecretId];
      if (value === undefined)
        return Promise.reject(Object.assign(new Error(`no secret ${command.input.SecretId}`), { name: 'ResourceNotFoundException' }));
      return Promise.resolve({ SecretString: value });
    },
  } as unknown as SecretsManagerClient;
  return new SecretsManagerSource({ client });
}

const astra: SinkConfig['connection'] = { profile: 'astra', secureConnectBundle: { secretArn: bundle }, tokenSecretArn: created };
const keyspaces: SinkConfig['connection'] = {
  profile: 'keyspaces',
  region: 'eu-west-1',
  auth: { type: 'service-specific', secretArn: created },
};

describe('checkCreatedSecret', () => {
  it('rejects the Astra placeholder with an error naming the secret, never its value', async () => {
    const secrets = secretsHolding({ [created]: JSON.stringify({ username: 'token', password: generated }) });
    const failure = checkCreatedSecret(astra, created, secrets);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(`secret ${created} still holds the placeholder the stack generated`);
    await expect(failure).rejects.not.toThrow(generated);
  });

  it('accepts an Astra token put in place of the placeholder, as JSON or as text', async () => {
    await expect(
      checkCreatedSecret(astra, created, secretsHolding({ [created]: JSON.stringify({ username: 'token', password: 'AstraCS:abc:123' }) })),
    ).resolves.toBeUndefined();
    await expect(checkCreatedSecret(astra, created, secretsHolding({ [created]: 'AstraCS:abc:123' }))).resolves.toBeUndefined();
  });

  it('rejects the Keyspaces placeholder user and accepts service-specific credentials', async () => {
    await expect(
      checkCreatedSecret(keyspaces, created, secretsHolding({ [created]: JSON.stringify({ username: 'sink', password: generated }) })),
    ).rejects.toThrow('still holds the placeholder the stack generated (username "sink")');
    const real = JSON.stringify({ username: 'alice-at-123456789012', password: 'x'.repeat(44) });
    await expect(checkCreatedSecret(keyspaces, created, secretsHolding({ [created]: real }))).resolves.toBeUndefined();
  });

  it('reads nothing when the stack created no secret, or the profile does not use it', async () => {
    const secrets = secretsHolding({});
    await checkCreatedSecret(astra, undefined, secrets);
    await checkCreatedSecret({ ...astra, tokenSecretArn: `${created}-other` }, created, secrets);
    expect(secrets.fetchCount).toBe(0);
  });
});

describe('withCreatedSecretHint', () => {
  it('adds what to do to a failed login with the created secret, and leaves other errors alone', () => {
    const login = new ConfigError(
      `authentication to db (cassandra) failed twice, the second time with freshly read credentials from secret ${created}: bad credentials`,
    );
    const hinted = withCreatedSecretHint(login, created);
    expect(hinted).toBeInstanceOf(ConfigError);
    expect((hinted as Error).message).toContain('the stack created this secret with a generated placeholder');
    const unreachable = new TransientError(`could not connect to db: ${created}`);
    expect(withCreatedSecretHint(unreachable, created)).toBe(unreachable);
    expect(withCreatedSecretHint(login, undefined)).toBe(login);
  });
});

describe('sink init with the placeholder still in the created secret', () => {
  it('fails with a ConfigError before connecting, and dead-letters nothing', async () => {
    const sent: DeadLetter[] = [];
    const deadLetters: DeadLetterSink = {
      send: (letters) => {
        sent.push(...letters);
        return Promise.resolve();
      },
    };
    const secrets = secretsHolding({ [created]: JSON.stringify({ username: 'token', password: generated }) });
    const sinkConfig = { connection: astra, topics: { orders: { tables: { 'shop.t': { mapping: 'id=key' } } } } };
    const env = { SINK_CONFIG: JSON.stringify(sinkConfig), CREATED_CONNECTION_SECRET_ARN: created };
    // handler.ts awaits this at module init: a rejection fails the init, so the invocation fails and the
    // event source retries the batch; no record reaches the handler, so none can be dead-lettered by the sink.
    await expect(createSinkRuntime(env, { secrets, deadLetters })).rejects.toThrow(`secret ${created} still holds the placeholder`);
    expect(sent).toEqual([]);
    // Only the token was read: the bundle was never fetched, nothing was connected.
    expect(secrets.fetchCount).toBe(1);
  });
});
