import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import cassandra from 'cassandra-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { buildClientOptions } from '../../../lambdas/adapters/cassandra-client.js';
import type { SecretSource, UsernamePassword } from '../../../lambdas/adapters/secrets.js';
import { connectionSchema } from '../../../lambdas/core/config/connection.js';
import { LOCALHOST_CERT, LOCALHOST_KEY, OTHER_CA_CERT } from './tls-fixtures.js';

/*
 * TLS certificate verification is on by default for every profile that uses
 * TLS. This matters because cassandra-driver itself defaults to
 * `rejectUnauthorized: false` when sslOptions do not say otherwise
 * (lib/connection.js: `utils.extend({ rejectUnauthorized: false }, sslOptions)`),
 * so the options we build must say it. Besides the option values, the
 * loopback tests run the real driver against a TLS server with an untrusted
 * certificate and show that the handshake is refused.
 */

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;

const secrets: SecretSource = {
  getUsernamePassword: (): Promise<UsernamePassword> => Promise.resolve({ username: 'app', password: 'pw' }),
  getToken: () => Promise.resolve('AstraCS:token'),
  getBytes: () => Promise.resolve(Buffer.from([0x50, 0x4b])),
  getText: () => Promise.resolve(LOCALHOST_CERT),
  invalidate: () => undefined,
};

async function sslOptionsOf(connection: unknown): Promise<cassandra.ClientOptions['sslOptions']> {
  const { options } = await buildClientOptions(connectionSchema.parse(connection), {
    secrets,
    awsCredentials: () => Promise.resolve({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }),
  });
  return options.sslOptions;
}

describe('TLS options: verification on by default', () => {
  it('cassandra with tls: rejectUnauthorized true and no checkServerIdentity override (default trust store or a CA)', async () => {
    for (const tls of [{}, { caSecretArn: arn('ca') }, { rejectUnauthorized: true }]) {
      const ssl = await sslOptionsOf({ profile: 'cassandra', contactPoints: ['db1'], localDataCenter: 'dc1', tls });
      expect(ssl?.rejectUnauthorized).toBe(true);
      expect(ssl?.checkServerIdentity).toBeUndefined();
    }
  });

  it('cassandra: only an explicit rejectUnauthorized: false turns verification off', async () => {
    const ssl = await sslOptionsOf({
      profile: 'cassandra',
      contactPoints: ['db1'],
      localDataCenter: 'dc1',
      tls: { rejectUnauthorized: false },
    });
    expect(ssl?.rejectUnauthorized).toBe(false);
  });

  it('keyspaces (sigv4 and service-specific): TLS always, verified against the endpoint host name', async () => {
    for (const auth of [{ type: 'sigv4' }, { type: 'service-specific', secretArn: arn('ks') }]) {
      const ssl = await sslOptionsOf({ profile: 'keyspaces', region: 'eu-west-1', auth });
      expect(ssl).toMatchObject({
        rejectUnauthorized: true,
        servername: 'cassandra.eu-west-1.amazonaws.com',
        host: 'cassandra.eu-west-1.amazonaws.com',
      });
      expect(ssl?.checkServerIdentity).toBeUndefined();
    }
  });

  it('astra: no sslOptions of ours, so the driver applies the bundle CA with rejectUnauthorized true and its SNI host check', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'kcs-tls-'));
    const { options } = await buildClientOptions(
      connectionSchema.parse({ profile: 'astra', secureConnectBundle: { secretArn: arn('b') }, tokenSecretArn: arn('t') }),
      {
        secrets,
        tmpDir: tmp,
      },
    );
    expect(options.sslOptions).toBeUndefined();
    expect(options.cloud?.secureConnectBundle).toBeTypeOf('string');
  });
});

// The driver's cloud (Astra) setup: not part of its public API, loaded by path to test what it does with a bundle.
const require = createRequire(import.meta.url);
const cloud = require('cassandra-driver/lib/datastax/cloud/index.js') as { init(options: Record<string, unknown>): Promise<void> };
const AdmZip = require('adm-zip') as new () => { addFile(name: string, data: Buffer): void; toBuffer(): Buffer };

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    await once(server, 'close').catch(() => undefined);
  }
});

/** A TLS server on 127.0.0.1 with the localhost certificate; counts completed handshakes. */
async function tlsServer(): Promise<{ port: number; handshakes: () => number }> {
  let handshakes = 0;
  const server = createTlsServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, (socket) => {
    handshakes++;
    socket.destroy();
  });
  server.on('tlsClientError', () => undefined);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, handshakes: () => handshakes };
}

/** The text of the errors inside a NoHostAvailableError (or of the error itself), codes included. */
function innerText(error: unknown): string {
  const inner =
    error instanceof cassandra.errors.NoHostAvailableError ? Object.values(error.innerErrors as Record<string, unknown>) : [error];
  return inner.map((e) => (e instanceof Error ? `${(e as { code?: string }).code ?? ''} ${e.message}` : String(e))).join('; ');
}

/** Connects the real driver with our TLS options to the loopback server; returns the inner connection error text. */
async function driverConnect(sslOptions: cassandra.ClientOptions['sslOptions'], port: number): Promise<string> {
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'],
    localDataCenter: 'dc1',
    protocolOptions: { port, maxVersion: 4 },
    socketOptions: { connectTimeout: 3_000, readTimeout: 1_000 },
    ...(sslOptions === undefined ? {} : { sslOptions }),
  });
  try {
    await client.connect();
    return 'connected';
  } catch (error) {
    return innerText(error);
  } finally {
    await client.shutdown();
  }
}

describe('TLS verification against a loopback server (real driver)', { timeout: 30_000 }, () => {
  it('cassandra: an untrusted certificate is refused; trusting its CA lets the handshake through', async () => {
    const server = await tlsServer();
    const untrusted = await sslOptionsOf({ profile: 'cassandra', contactPoints: ['127.0.0.1'], localDataCenter: 'dc1', tls: {} });
    expect(await driverConnect(untrusted, server.port)).toMatch(/self[- ]signed certificate|DEPTH_ZERO_SELF_SIGNED_CERT/i);
    expect(server.handshakes()).toBe(0);

    // Positive control: with the CA (from the secret) the same options complete the handshake.
    const trusted = await sslOptionsOf({
      profile: 'cassandra',
      contactPoints: ['127.0.0.1'],
      localDataCenter: 'dc1',
      tls: { caSecretArn: arn('ca') },
    });
    await driverConnect(trusted, server.port);
    expect(server.handshakes()).toBeGreaterThan(0);
  });

  it('keyspaces: the host name is verified even when the CA is trusted', async () => {
    const server = await tlsServer();
    // The built options name the real endpoint as `host`; only the address is swapped for the loopback one.
    const ssl = { ...(await sslOptionsOf({ profile: 'keyspaces', region: 'eu-west-1' })), host: '127.0.0.1' };
    expect(await driverConnect(ssl, server.port)).toMatch(/self[- ]signed certificate|DEPTH_ZERO_SELF_SIGNED_CERT/i);
    // Trusting the server's CA is not enough: the certificate is for localhost, not cassandra.eu-west-1.amazonaws.com.
    expect(await driverConnect({ ...ssl, ca: [LOCALHOST_CERT] }, server.port)).toMatch(
      /ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate/i,
    );
    expect(server.handshakes()).toBe(0);
  });

  it('astra: the driver verifies the metadata service against the bundle CA', async () => {
    let requests = 0;
    const https = createHttpsServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, (_req, res) => {
      requests++;
      res.end('{}');
    });
    https.on('tlsClientError', () => undefined);
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    try {
      const zip = new AdmZip();
      zip.addFile('config.json', Buffer.from(JSON.stringify({ host: '127.0.0.1', port: (https.address() as AddressInfo).port })));
      zip.addFile('ca.crt', Buffer.from(OTHER_CA_CERT));
      const bundle = path.join(mkdtempSync(path.join(tmpdir(), 'kcs-astra-tls-')), 'bundle.zip');
      writeFileSync(bundle, zip.toBuffer());
      const options: Record<string, unknown> = { cloud: { secureConnectBundle: bundle }, socketOptions: { connectTimeout: 3_000 } };
      const error = await cloud.init(options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(innerText(error)).toMatch(
        /self[- ]signed certificate|unable to verify|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT/i,
      );
      expect(options.sslOptions).toMatchObject({ rejectUnauthorized: true });
      expect(requests).toBe(0);
    } finally {
      https.close();
    }
  });
});

describe('checkHostname: false (connector ssl.hostnameValidation=false)', { timeout: 30_000 }, () => {
  it('skips only the name check: a trusted certificate for another name connects, an untrusted one is still refused', async () => {
    const server = await tlsServer();
    const named = (tls: Record<string, unknown>) =>
      sslOptionsOf({ profile: 'cassandra', contactPoints: ['127.0.0.1'], localDataCenter: 'dc1', tls });
    // The node is reached as db.internal; its certificate names localhost and 127.0.0.1 only.
    const strict = { ...(await named({ caSecretArn: arn('ca') })), host: '127.0.0.1', servername: 'db.internal' };
    expect(await driverConnect(strict, server.port)).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate/i);
    expect(server.handshakes()).toBe(0);

    const relaxed = { ...(await named({ caSecretArn: arn('ca'), checkHostname: false })), host: '127.0.0.1', servername: 'db.internal' };
    expect(relaxed.rejectUnauthorized).toBe(true);
    await driverConnect(relaxed, server.port);
    expect(server.handshakes()).toBeGreaterThan(0);

    const wrongCa = { ...(await named({ checkHostname: false })), ca: [OTHER_CA_CERT], host: '127.0.0.1', servername: 'db.internal' };
    const before = server.handshakes();
    expect(await driverConnect(wrongCa, server.port)).toMatch(/self[- ]signed certificate|unable to verify|DEPTH_ZERO_SELF_SIGNED_CERT/i);
    expect(server.handshakes()).toBe(before);
  });
});
