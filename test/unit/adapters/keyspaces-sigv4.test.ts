import { describe, expect, it } from 'vitest';
import { KeyspacesSigV4AuthProvider, extractNonce, keyspacesSigV4Response } from '../../../lambdas/adapters/keyspaces-sigv4.js';

// Known-answer vector of the Keyspaces SigV4 exchange, as published with AWS's
// Node.js plugin tests: these inputs must give exactly this signature.
const vector = {
  region: 'us-west-2',
  nonce: '91703fdc2ef562e19fbdab0f58e42fe5',
  date: new Date(1591742511000),
  credentials: { accessKeyId: 'UserID-1', secretAccessKey: 'UserSecretKey-1' },
};
const expected =
  'signature=7f3691c18a81b8ce7457699effbfae5b09b4e0714ab38c1292dbdf082c9ddd87,access_key=UserID-1,amzdate=2020-06-09T22:41:51.000Z';

describe('Keyspaces SigV4', () => {
  it('matches the known-answer signature', async () => {
    expect(await keyspacesSigV4Response(vector)).toBe(expected);
  });

  it('appends the session token of temporary credentials', async () => {
    const response = await keyspacesSigV4Response({ ...vector, credentials: { ...vector.credentials, sessionToken: 'tok/en+=' } });
    expect(response).toBe(`${expected},session_token=tok/en+=`);
  });

  it('extracts the nonce from a challenge', () => {
    expect(extractNonce(Buffer.from('nonce=abc123'))).toBe('abc123');
    expect(extractNonce(Buffer.from('nonce=abc,other=1'))).toBe('abc');
    expect(extractNonce(Buffer.from('x=1, nonce=zz'))).toBe('zz');
    expect(extractNonce(Buffer.from('nothing here'))).toBeUndefined();
  });

  it('runs the driver exchange: mechanism, then a signed answer with fresh credentials each handshake', async () => {
    let calls = 0;
    const provider = new KeyspacesSigV4AuthProvider({
      region: vector.region,
      now: () => vector.date,
      credentials: () => {
        calls++;
        return Promise.resolve(vector.credentials);
      },
    });
    const authenticator = provider.newAuthenticator();
    const initial = await new Promise<Buffer | undefined>((resolve, reject) => {
      authenticator.initialResponse((error: Error | null, response?: Buffer) => {
        if (error) reject(error);
        else resolve(response);
      });
    });
    expect(initial?.toString()).toBe('SigV4\0\0');
    const answer = (challenge: string) =>
      new Promise<string>((resolve, reject) => {
        provider.newAuthenticator().evaluateChallenge(Buffer.from(challenge), (error: Error | null, response?: Buffer) => {
          if (error) reject(error);
          else resolve(response?.toString() ?? '');
        });
      });
    expect(await answer(`nonce=${vector.nonce}`)).toBe(expected);
    expect(await answer(`nonce=${vector.nonce}`)).toBe(expected);
    expect(calls).toBe(2);
    await expect(answer('no nonce')).rejects.toThrow(/no nonce/);
  });

  it('reports a credentials failure without secrets', async () => {
    const provider = new KeyspacesSigV4AuthProvider({ region: 'eu-west-1', credentials: () => Promise.reject(new Error('no role')) });
    const error = await new Promise<Error | null>((resolve) => {
      provider.newAuthenticator().evaluateChallenge(Buffer.from('nonce=1'), (e: Error | null) => {
        resolve(e);
      });
    });
    expect(error?.message).toMatch(/could not resolve AWS credentials: Error: no role/);
  });
});
