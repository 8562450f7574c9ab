import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import type { AwsCredentialsProvider } from '../keyspaces-sigv4.js';

/**
 * An Amazon MSK IAM authentication token for SASL/OAUTHBEARER (MSK's IAM
 * listener, port 9098), made by AWS's signer for JavaScript
 * (aws-msk-iam-sasl-signer-js): a SigV4-presigned `kafka-cluster:Connect` URL
 * for `kafka.<region>.amazonaws.com`, base64url without padding.
 * @platformatic/kafka asks for a fresh token for each connection.
 *
 * The credentials come from the given provider (the Node.js provider chain in
 * the functions and the CLI). Their expiration is not passed on: the signer
 * then shortens the token's lifetime to the seconds left, as a fraction
 * (`X-Amz-Expires=600.5`), which SigV4 does not allow; the token lives the
 * signer's 15 minutes, as it does with credentials that carry no expiration.
 *
 * Not verifiable here (no MSK locally): the token's form and signature are
 * unit-tested, a real cluster is the final check.
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
