import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type cassandra from 'cassandra-driver';

/**
 * SigV4 authentication for Amazon Keyspaces, as a cassandra-driver
 * AuthProvider, on @smithy/signature-v4 and the SDK v3 credential chain.
 *
 * The exchange (SASL over the native protocol's AUTHENTICATE/AUTH_RESPONSE):
 *  1. the client's initial response is the mechanism name "SigV4\0\0";
 *  2. Keyspaces answers with a challenge holding "nonce=<nonce>";
 *  3. the client answers
 *     "signature=<hex>,access_key=<key id>,amzdate=<date>[,session_token=<token>]",
 *     the signature being a SigV4 signature, service "cassandra", over the
 *     canonical request
 *       PUT
 *       /authenticate
 *       X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=<key id>%2F<scope>&X-Amz-Date=<date>&X-Amz-Expires=900
 *       host:cassandra
 *       (empty line)
 *       host
 *       <hex SHA-256 of the nonce>
 *     Unlike HTTP SigV4, <date> is the full ISO-8601 time with milliseconds
 *     ("2020-06-09T22:41:51.000Z"), both in the query and in the string to sign.
 *
 * Credentials are resolved at every handshake from the provider (the default
 * Node chain memoizes and refreshes them before they expire), so a long-lived
 * container keeps connecting after its role session rotates; the stale
 * aws-sigv4-auth-cassandra-plugin reads them once, on aws-sdk v2.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

const SERVICE = 'cassandra';
const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SigV4ResponseInput {
  readonly region: string;
  readonly nonce: string;
  readonly date: Date;
  readonly credentials: AwsCredentials;
}

/** The AUTH_RESPONSE text for a Keyspaces SigV4 challenge nonce. */
export async function keyspacesSigV4Response({ region, nonce, date, credentials }: SigV4ResponseInput): Promise<string> {
  const amzDate = date.toISOString();
  const shortDate = amzDate.slice(0, 10).replace(/-/g, '');
  const scope = `${shortDate}/${region}/${SERVICE}/aws4_request`;
  const query = [
    `X-Amz-Algorithm=${ALGORITHM}`,
    `X-Amz-Credential=${encodeURIComponent(`${credentials.accessKeyId}/${scope}`)}`,
    `X-Amz-Date=${encodeURIComponent(amzDate)}`,
    'X-Amz-Expires=900',
  ]
    .sort()
    .join('&');
  const canonicalRequest = ['PUT', '/authenticate', query, `host:${SERVICE}`, '', 'host', sha256Hex(nonce)].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    },
    region,
    service: SERVICE,
    sha256: Hash.bind(null, 'sha256'),
  });
  // Signs the string with the key derived from (secret, short date, region, service).
  const signature = await signer.sign(stringToSign, { signingDate: date, signingRegion: region, signingService: SERVICE });
  let response = `signature=${signature},access_key=${credentials.accessKeyId},amzdate=${amzDate}`;
  if (credentials.sessionToken !== undefined && credentials.sessionToken !== '') response += `,session_token=${credentials.sessionToken}`;
  return response;
}

/** Reads the nonce out of a Keyspaces challenge ("nonce=<value>[,…]"). */
export function extractNonce(challenge: Buffer): string | undefined {
  const match = /(?:^|,)\s*nonce=([^,]*)/.exec(challenge.toString('utf8'));
  const nonce = match?.[1];
  return nonce === undefined || nonce === '' ? undefined : nonce;
}

export interface KeyspacesSigV4Options {
  readonly region: string;
  readonly credentials: AwsCredentialsProvider;
  readonly now?: () => Date;
}

type AuthCallback = (error: Error | null, response?: Buffer) => void;

class KeyspacesSigV4Authenticator implements cassandra.auth.Authenticator {
  constructor(private readonly options: KeyspacesSigV4Options) {}

  initialResponse(callback: AuthCallback): void {
    callback(null, Buffer.from('SigV4\0\0', 'utf8'));
  }

  evaluateChallenge(challenge: Buffer, callback: AuthCallback): void {
    const nonce = extractNonce(challenge);
    if (nonce === undefined) {
      callback(new Error('Keyspaces SigV4: the server challenge has no nonce'));
      return;
    }
    const date = (this.options.now ?? (() => new Date()))();
    this.options
      .credentials()
      .then((credentials) => keyspacesSigV4Response({ region: this.options.region, nonce, date, credentials }))
      .then(
        (response) => {
          callback(null, Buffer.from(response, 'utf8'));
        },
        (error: unknown) => {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          callback(new Error(`Keyspaces SigV4: could not resolve AWS credentials: ${reason}`));
        },
      );
  }

  onAuthenticationSuccess(): void {
    // Nothing to keep.
  }
}

export class KeyspacesSigV4AuthProvider implements cassandra.auth.AuthProvider {
  constructor(private readonly options: KeyspacesSigV4Options) {}

  newAuthenticator(): cassandra.auth.Authenticator {
    return new KeyspacesSigV4Authenticator(this.options);
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
