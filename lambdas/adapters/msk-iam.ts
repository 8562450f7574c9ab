import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialsProvider } from './keyspaces-sigv4.js';

/**
 * An Amazon MSK IAM authentication token for SASL/OAUTHBEARER, which MSK
 * accepts on its IAM listener (port 9098) next to the Java-only AWS_MSK_IAM
 * mechanism: a SigV4-presigned URL for the action `kafka-cluster:Connect`
 * (service `kafka-cluster`, host `kafka.<region>.amazonaws.com`, 15 minutes),
 * with a `User-Agent` query parameter appended, base64url-encoded without
 * padding. @platformatic/kafka supports OAUTHBEARER with a token provider, so
 * this is all it needs; a fresh token is made for each connection.
 *
 * Not verifiable here (no MSK locally): the token's form is unit-tested, a real
 * cluster is the final check.
 */
export async function mskIamToken(region: string, credentials: AwsCredentialsProvider, now: Date = new Date()): Promise<string> {
  const identity = await credentials();
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken === undefined ? {} : { sessionToken: identity.sessionToken }),
    },
    region,
    service: 'kafka-cluster',
    sha256: Hash.bind(null, 'sha256'),
  });
  const hostname = `kafka.${region}.amazonaws.com`;
  const request = new HttpRequest({ method: 'GET', protocol: 'https:', hostname, path: '/', headers: { host: hostname }, query: { Action: 'kafka-cluster:Connect' } });
  const signed = await signer.presign(request, { expiresIn: 900, signingDate: now });
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') params.append(name, value);
    else if (Array.isArray(value)) for (const item of value) params.append(name, item);
  }
  params.append('User-Agent', 'kafka-cql-sink');
  const url = `https://${hostname}/?${params.toString()}`;
  return Buffer.from(url, 'utf8').toString('base64url');
}
