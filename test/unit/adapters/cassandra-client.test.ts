import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { buildClientOptions, isAuthenticationFailure } from '../../../lambdas/adapters/cassandra-client.js';
import { KeyspacesSigV4AuthProvider } from '../../../lambdas/adapters/keyspaces-sigv4.js';
import type { SecretSource, UsernamePassword } from '../../../lambdas/adapters/secrets.js';
import { connectionSchema } from '../../../lambdas/core/config/connection.js';
import { CQL_DRIVER_ENCODING } from '../../../lambdas/core/cql/convert.js';

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;

class FakeSecrets implements SecretSource {
  readonly reads: string[] = [];
  readonly invalidated: (string | undefined)[] = [];
  constructor(private readonly values: Record<string, string | Buffer>) {}
  private value(id: string): string | Buffer {
    this.reads.push(id);
    const value = this.values[id];
    if (value === undefined) throw new Error(`no secret ${id}`);
    return value;
  }
  getUsernamePassword(id: string): Promise<UsernamePassword> {
    return Promise.resolve(JSON.parse(String(this.value(id))) as UsernamePassword);
  }
  getToken(id: string): Promise<string> {
    return Promise.resolve(String(this.value(id)));
  }
  getBytes(id: string): Promise<Buffer> {
    const value = this.value(id);
    return Promise.resolve(Buffer.isBuffer(value) ? value : Buffer.from(value, 'base64'));
  }
  getText(id: string): Promise<string> {
    return Promise.resolve(String(this.value(id)));
  }
  invalidate(id?: string): void {
    this.invalidated.push(id);
  }
}

describe('buildClientOptions', () => {
  it('cassandra: contact points, DC, port, PLAIN credentials and a CA from secrets, driver encoding and prepare', async () => {
    const connection = connectionSchema.parse({
      profile: 'cassandra',
      contactPoints: ['10.0.0.1', '10.0.0.2:9043'],
      localDataCenter: 'dc1',
      port: 9044,
      credentialsSecretArn: arn('creds'),
      tls: { caSecretArn: arn('ca') },
    });
    const secrets = new FakeSecrets({
      [arn('creds')]: '{"username":"app","password":"s3cret"}',
      [arn('ca')]: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
    });
    const { options, secretIds } = await buildClientOptions(connection, { secrets });
    expect(options.contactPoints).toEqual(['10.0.0.1', '10.0.0.2:9043']);
    expect(options.localDataCenter).toBe('dc1');
    expect(options.protocolOptions?.port).toBe(9044);
    expect(options.authProvider).toBeInstanceOf(cassandra.auth.PlainTextAuthProvider);
    expect(options.sslOptions).toMatchObject({ rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
    expect(options.encoding).toEqual({ ...CQL_DRIVER_ENCODING });
    expect(options.queryOptions?.prepare).toBe(true);
    expect(options.socketOptions?.readTimeout).toBeGreaterThan(0);
    expect(secretIds).toEqual([arn('creds'), arn('ca')]);
  });

  it('cassandra: no auth and no TLS when the config has none', async () => {
    const connection = connectionSchema.parse({ profile: 'cassandra', contactPoints: ['h'], localDataCenter: 'dc1' });
    const { options, secretIds } = await buildClientOptions(connection, { secrets: new FakeSecrets({}) });
    expect(options.authProvider).toBeUndefined();
    expect(options.sslOptions).toBeUndefined();
    expect(secretIds).toEqual([]);
  });

  it('astra: bundle written to the temp dir once, token as the password of user "token", LOCAL_QUORUM', async () => {
    const tmpDir = mkdtempSync(path.join(tmpdir(), 'kcs-astra-'));
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    const connection = connectionSchema.parse({
      profile: 'astra',
      secureConnectBundle: { secretArn: arn('bundle') },
      tokenSecretArn: arn('token'),
    });
    const secrets = new FakeSecrets({ [arn('bundle')]: zip, [arn('token')]: 'AstraCS:abc' });
    const first = await buildClientOptions(connection, { secrets, tmpDir });
    const second = await buildClientOptions(connection, { secrets, tmpDir });
    const bundle = first.options.cloud?.secureConnectBundle;
    expect(typeof bundle).toBe('string');
    expect(readFileSync(String(bundle))).toEqual(zip);
    expect(second.options.cloud?.secureConnectBundle).toBe(bundle);
    expect(secrets.reads.filter((id) => id === arn('bundle'))).toHaveLength(1);
    expect(readdirSync(tmpDir)).toHaveLength(1);
    expect(first.options.credentials).toEqual({ username: 'token', password: 'AstraCS:abc' });
    expect(first.options.contactPoints).toBeUndefined();
    expect(first.options.sslOptions).toBeUndefined();
    expect(first.options.queryOptions?.consistency).toBe(cassandra.types.consistencies.localQuorum);
  });

  it('keyspaces: regional endpoint on 9142 with TLS, DC = region, SigV4 by default, LOCAL_QUORUM', async () => {
    const connection = connectionSchema.parse({ profile: 'keyspaces', region: 'eu-west-1' });
    const { options, secretIds } = await buildClientOptions(connection, {
      secrets: new FakeSecrets({}),
      awsCredentials: () => Promise.resolve({ accessKeyId: 'AKID', secretAccessKey: 'x' }),
    });
    expect(options.contactPoints).toEqual(['cassandra.eu-west-1.amazonaws.com']);
    expect(options.protocolOptions?.port).toBe(9142);
    expect(options.localDataCenter).toBe('eu-west-1');
    expect(options.sslOptions).toMatchObject({ rejectUnauthorized: true, servername: 'cassandra.eu-west-1.amazonaws.com' });
    expect(options.sslOptions).not.toHaveProperty('ca');
    expect(options.authProvider).toBeInstanceOf(KeyspacesSigV4AuthProvider);
    expect(options.queryOptions?.consistency).toBe(cassandra.types.consistencies.localQuorum);
    expect(secretIds).toEqual([]);
  });

  it('keyspaces: service-specific credentials from a secret', async () => {
    const connection = connectionSchema.parse({
      profile: 'keyspaces',
      region: 'us-east-1',
      auth: { type: 'service-specific', secretArn: arn('ks') },
    });
    const { options, secretIds } = await buildClientOptions(connection, {
      secrets: new FakeSecrets({ [arn('ks')]: '{"username":"u-at-1","password":"p"}' }),
    });
    expect(options.authProvider).toBeInstanceOf(cassandra.auth.PlainTextAuthProvider);
    expect(secretIds).toEqual([arn('ks')]);
  });
});

describe('isAuthenticationFailure', () => {
  it('recognises refused credentials, directly or on every host', () => {
    const auth = new cassandra.errors.AuthenticationError('Provided username and/or password are incorrect');
    expect(isAuthenticationFailure(auth)).toBe(true);
    expect(isAuthenticationFailure(new cassandra.errors.NoHostAvailableError({ 'h1:9042': auth, 'h2:9042': auth }))).toBe(true);
    expect(
      isAuthenticationFailure(new cassandra.errors.NoHostAvailableError({ 'h1:9042': auth, 'h2:9042': new Error('ECONNREFUSED') })),
    ).toBe(false);
    expect(isAuthenticationFailure(new cassandra.errors.NoHostAvailableError({}))).toBe(false);
    expect(isAuthenticationFailure(new Error('x'))).toBe(false);
  });
});
