import type { SinkConfig } from './schema.js';

/**
 * What `convert-connector-config` writes where a secret belongs (it never
 * copies one): a well-formed ARN in an account that does not exist, so the
 * config validates, and a name that says what to do.
 */
const PLACEHOLDER_PREFIX = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:REPLACE_ME-';

export const placeholderSecretArn = (what: string): string => `${PLACEHOLDER_PREFIX}${what}`;

export const isPlaceholderSecretArn = (arn: string): boolean => arn.startsWith(PLACEHOLDER_PREFIX);

/** Every secret ARN the config names, with its path. */
export function secretReferences(config: SinkConfig): { readonly path: string; readonly arn: string }[] {
  const found: { path: string; arn: string | undefined }[] = [];
  const { connection } = config;
  if (connection.profile === 'cassandra') {
    found.push(
      { path: 'connection.credentialsSecretArn', arn: connection.credentialsSecretArn },
      { path: 'connection.tls.caSecretArn', arn: connection.tls?.caSecretArn },
    );
  }
  if (connection.profile === 'astra') {
    found.push(
      { path: 'connection.tokenSecretArn', arn: connection.tokenSecretArn },
      {
        path: 'connection.secureConnectBundle.secretArn',
        arn: 'secretArn' in connection.secureConnectBundle ? connection.secureConnectBundle.secretArn : undefined,
      },
    );
  }
  if (connection.profile === 'keyspaces' && connection.auth.type === 'service-specific')
    found.push({ path: 'connection.auth.secretArn', arn: connection.auth.secretArn });
  for (const [topic, settings] of Object.entries(config.topics))
    found.push({ path: `topics.${topic}.schemaRegistry.basicAuthSecretArn`, arn: settings.schemaRegistry?.basicAuthSecretArn });
  return found.flatMap(({ path, arn }) => (arn === undefined ? [] : [{ path, arn }]));
}

/** `<path>: <what to do>` for every secret ARN of the config that is still a placeholder. */
export function placeholderSecretProblems(config: SinkConfig): string[] {
  return secretReferences(config)
    .filter(({ arn }) => isPlaceholderSecretArn(arn))
    .map(
      ({ path, arn }) =>
        `${path}: ${arn} is a placeholder written by convert-connector-config; store the secret in Secrets Manager and put its ARN here (with --local, the local credentials are used instead)`,
    );
}
