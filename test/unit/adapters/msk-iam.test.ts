import { describe, expect, it } from 'vitest';
import { mskIamToken } from '../../../lambdas/adapters/msk-iam.js';

describe('mskIamToken', () => {
  it('is a base64url presigned kafka-cluster:Connect URL for the region, valid 15 minutes', async () => {
    const token = await mskIamToken(
      'eu-west-1',
      () => Promise.resolve({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session/token' }),
      new Date('2026-03-01T10:00:00.000Z'),
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('kafka-cluster:Connect');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260301/eu-west-1/kafka-cluster/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20260301T100000Z');
    expect(q.get('X-Amz-Expires')).toBe('900');
    expect(q.get('X-Amz-Security-Token')).toBe('session/token');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(q.get('User-Agent')).toBe('kafka-cql-sink');
  });
});
