import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mskIamToken } from '../../../lambdas/adapters/kafka/msk-iam.js';

const decode = (token: string): URL => new URL(Buffer.from(token, 'base64url').toString('utf8'));

/** The signature an independent SigV4 presigner gives the same request at the same time. */
async function expectedSignature(
  region: string,
  at: Date,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<string | undefined> {
  const signer = new SignatureV4({ credentials, region, service: 'kafka-cluster', sha256: Hash.bind(null, 'sha256') });
  const hostname = `kafka.${region}.amazonaws.com`;
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: { host: hostname },
    query: { Action: 'kafka-cluster:Connect' },
  });
  const signed = await signer.presign(request, { expiresIn: 900, signingDate: at });
  const signature = signed.query?.['X-Amz-Signature'];
  return typeof signature === 'string' ? signature : undefined;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('mskIamToken (aws-msk-iam-sasl-signer-js)', () => {
  it('is a base64url presigned kafka-cluster:Connect URL for the region, valid 15 minutes, signed with the provider’s credentials', async () => {
    const at = new Date('2026-03-01T10:00:00.000Z');
    vi.useFakeTimers({ now: at, toFake: ['Date'] });
    const identity = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session/token' };
    const provider = vi.fn(() => Promise.resolve(identity));
    const token = await mskIamToken('eu-west-1', provider);

    expect(provider).toHaveBeenCalledTimes(1);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('kafka-cluster:Connect');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260301/eu-west-1/kafka-cluster/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20260301T100000Z');
    expect(q.get('X-Amz-Expires')).toBe('900');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host');
    expect(q.get('X-Amz-Security-Token')).toBe('session/token');
    expect(q.get('User-Agent')).toMatch(/^aws-msk-iam-sasl-signer-js\//);
    // A real SigV4 signature of that request, not just 64 hex digits.
    expect(q.get('X-Amz-Signature')).toBe(await expectedSignature('eu-west-1', at, identity));
  });

  it('asks the provider at every token (a rotated role session is picked up) and signs for the region given', async () => {
    let calls = 0;
    const provider = () => Promise.resolve({ accessKeyId: `AKID${String(++calls)}`, secretAccessKey: 'secret' });
    const first = decode(await mskIamToken('us-east-2', provider)).searchParams;
    const second = decode(await mskIamToken('us-east-2', provider)).searchParams;
    expect(first.get('X-Amz-Credential')).toMatch(/^AKID1\/\d{8}\/us-east-2\/kafka-cluster\/aws4_request$/);
    expect(second.get('X-Amz-Credential')).toMatch(/^AKID2\//);
    expect(first.has('X-Amz-Security-Token')).toBe(false);
  });

  it('keeps X-Amz-Expires a whole number of seconds when the credentials expire within 15 minutes', async () => {
    const provider = () =>
      Promise.resolve({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', expiration: new Date(Date.now() + 600_500) });
    expect(decode(await mskIamToken('eu-west-1', provider)).searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it('fails when the provider does', async () => {
    await expect(mskIamToken('eu-west-1', () => Promise.reject(new Error('no credentials in the chain')))).rejects.toThrow(
      'no credentials in the chain',
    );
  });
});
