import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { keyspacesSigV4Response, KeyspacesSigV4AuthProvider } from '../../../lambdas/adapters/keyspaces-sigv4.js';
import { HttpSchemaRegistry } from '../../../lambdas/adapters/schema-registry.js';
import { SecretsManagerSource } from '../../../lambdas/adapters/secrets.js';
import { SinkError } from '../../../lambdas/core/errors.js';

/*
 * Error messages of the adapters never carry a credential: the schema
 * registry's basic auth (even when a registry or proxy echoes the request
 * back, or the URL holds user info), the SigV4 secret key, and secret values
 * in Secrets Manager errors.
 */

const SECRET = 'S3cr3t-Do-Not-Print-9f2c';
const SECRET_B64 = Buffer.from(`reg-user:${SECRET}`).toString('base64');

function allText(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    parts.push(`${current.name}: ${current.message}\n${current.stack ?? ''}`);
  }
  return parts.join('\n');
}

function expectClean(error: unknown): void {
  expect(error).toBeInstanceOf(SinkError);
  const text = allText(error);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(SECRET_B64);
}

/** A registry that echoes the request headers in its body with the given status. */
async function echoingRegistry(status: number): Promise<{ url: string; close: () => void }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = status;
    res.end(JSON.stringify({ error: 'nope', echo: req.headers }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('schema registry errors carry no credentials', () => {
  it.each([401, 403, 404, 500, 503, 200])('HTTP %i from a registry that echoes the Authorization header', async (status) => {
    const registry = await echoingRegistry(status);
    try {
      const client = new HttpSchemaRegistry({ url: registry.url, basicAuth: { username: 'reg-user', password: SECRET } });
      const error = await client.getSchema(7).then(
        () => undefined,
        (e: unknown) => e,
      );
      expectClean(error);
    } finally {
      registry.close();
    }
  });

  it('an unreachable registry with credentials in the URL', async () => {
    const client = new HttpSchemaRegistry({
      url: `http://reg-user:${SECRET}@127.0.0.1:1`,
      basicAuth: { username: 'reg-user', password: SECRET },
      timeoutMs: 2_000,
    });
    const error = await client.getSchema(1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectClean(error);
  });

  it('a fetch that fails quoting its input', async () => {
    const client = new HttpSchemaRegistry({
      url: 'http://registry.invalid',
      basicAuth: { username: 'reg-user', password: SECRET },
      fetch: (_input, init) => Promise.reject(new Error(`boom with headers ${JSON.stringify(init?.headers)}`)),
    });
    const error = await client.getSchema(1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectClean(error);
  });
});

describe('Keyspaces SigV4 never sends or reports the secret key', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'session-token' };

  it('the auth response holds the signature and the key id, not the secret key', async () => {
    const response = await keyspacesSigV4Response({
      region: 'eu-west-1',
      nonce: 'abc',
      date: new Date('2024-01-01T00:00:00Z'),
      credentials,
    });
    expect(response).toMatch(
      /^signature=[0-9a-f]{64},access_key=AKIDEXAMPLE,amzdate=2024-01-01T00:00:00.000Z,session_token=session-token$/,
    );
    expect(response).not.toContain(SECRET);
  });

  it('a failing credential provider is reported without what it had', async () => {
    const authenticator = new KeyspacesSigV4AuthProvider({
      region: 'eu-west-1',
      credentials: () => Promise.reject(new Error('could not refresh role credentials')),
    }).newAuthenticator();
    const error = await new Promise<Error | null>((resolve) => {
      authenticator.evaluateChallenge(Buffer.from('nonce=xyz'), (e: Error | null) => {
        resolve(e);
      });
    });
    expect(error?.message).toMatch(/Keyspaces SigV4: could not resolve AWS credentials/);
    expect(allText(error)).not.toContain(SECRET);
  });
});

describe('Secrets Manager source errors name the secret, never its value', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db';
  const source = (secretString: string): SecretsManagerSource =>
    new SecretsManagerSource({
      client: {
        send: (command: unknown) => {
          expect(command).toBeInstanceOf(GetSecretValueCommand);
          return Promise.resolve({ SecretString: secretString });
        },
      } as unknown as SecretsManagerClient,
    });

  it.each([
    ['password not a string', JSON.stringify({ username: 'u', pass: SECRET })],
    ['username missing', JSON.stringify({ password: SECRET })],
    ['truncated JSON', `{"username":"u","password":"${SECRET}"`],
    ['not JSON', `u:${SECRET}`],
    ['an array', JSON.stringify(['u', SECRET])],
  ])('getUsernamePassword: %s', async (_what, value) => {
    const error = await source(value)
      .getUsernamePassword(arn)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expectClean(error);
    expect(allText(error)).toContain(arn);
  });

  it('getToken and getBytes of the wrong shape', async () => {
    for (const run of [
      () => source(JSON.stringify({ secret: SECRET })).getToken(arn),
      () => source(`not base64 ${SECRET}!`).getBytes(arn),
    ]) {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expectClean(error);
    }
  });
});
