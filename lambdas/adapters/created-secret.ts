import type { SinkConfig } from '../core/config/schema.js';
import { ConfigError } from '../core/errors.js';
import { PLACEHOLDER_USERNAME } from '../contract/placeholder-secret.js';
import type { SecretSource } from './secrets.js';

/**
 * A credentials secret the stack created (`connectionSecret.mode: create`)
 * holds a generated placeholder until the operator puts the real value: JSON
 * `{"username": "sink" (astra: "token"), "password": <32 generated characters>}`.
 * The stack names it in CREATED_CONNECTION_SECRET_ARN.
 *
 * With the placeholder the sink must not start: a failed init is a failed
 * invocation, which the event source retries (and, once its retries are spent,
 * sends to the on-failure destination); the sink itself dead-letters nothing.
 * The deployment pauses the mappings until the operator enables them, so this
 * check is the second line: it names the placeholder instead of a bare
 * authentication failure.
 */

const HOW_TO_FIX = 'put the real credentials in it (docs/deploy.md, "First deploy with a created secret")';

/** Throws a ConfigError naming the secret when it still holds the stack's placeholder, where that can be told for sure. */
export async function checkCreatedSecret(
  connection: SinkConfig['connection'],
  createdSecretArn: string | undefined,
  secrets: SecretSource,
): Promise<void> {
  if (createdSecretArn === undefined || createdSecretArn === '') return;
  if (connection.profile === 'astra' && connection.tokenSecretArn === createdSecretArn) {
    // Astra application tokens start with "AstraCS:"; the generated password never does.
    const token = await secrets.getToken(createdSecretArn);
    if (!token.startsWith('AstraCS:')) {
      throw new ConfigError(
        `secret ${createdSecretArn} still holds the placeholder the stack generated (its token does not start with "AstraCS:"): ${HOW_TO_FIX}`,
      );
    }
  }
  if (connection.profile === 'keyspaces' && connection.auth.type === 'service-specific' && connection.auth.secretArn === createdSecretArn) {
    // Service-specific credentials are issued for an IAM user: their user name is "<user>-at-<account>", never "sink".
    const { username } = await secrets.getUsernamePassword(createdSecretArn);
    if (username === PLACEHOLDER_USERNAME) {
      throw new ConfigError(
        `secret ${createdSecretArn} still holds the placeholder the stack generated (username "${PLACEHOLDER_USERNAME}"): ${HOW_TO_FIX}`,
      );
    }
  }
}

/**
 * A Cassandra role may well be called "sink" with a generated-looking password,
 * so there the placeholder only shows as a failed login: say what to check.
 */
export function withCreatedSecretHint(error: unknown, createdSecretArn: string | undefined): unknown {
  if (
    createdSecretArn === undefined ||
    createdSecretArn === '' ||
    !(error instanceof ConfigError) ||
    !error.message.includes(createdSecretArn)
  )
    return error;
  return new ConfigError(
    `${error.message}; the stack created this secret with a generated placeholder: if you have not yet, ${HOW_TO_FIX}`,
    { cause: error },
  );
}
