import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import type { AwsCredentialsProvider } from '../keyspaces-sigv4.js';

/**
 * An Amazon MSK IAM authentication token for SASL/OAUTHBEARER (MSK's IAM
 * listener, port 9098), made by AWS's signer for JavaScript
 * (aws-msk-iam-sasl-signer-js): a SigV4-presigned `kafka-cluster:Connect` URL
 * for `kafka.<region>.amazonaws.com`, base64url without padding.
 * @platformatic/kafka asks for a fresh token for each connection.
 *
 * The credentials' expiration is deliberately not passed to the signer: see
 * docs/decisions/msk-iam-token-expiration.md.
 */
export async function mskIamToken(region: string, credentials: AwsCredentialsProvider): Promise<string> {
  const { token } = await generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: async () => {
      const { accessKeyId, secretAccessKey, sessionToken } = await credentials();
      return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
    },
  });
  return token;
}
