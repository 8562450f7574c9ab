/**
 * The user name of the placeholder a stack-created credentials secret holds
 * until the operator puts the real value. The stack writes it
 * (infra/constructs/connection-access.ts) and the functions refuse to start
 * while they read it (lambdas/adapters/created-secret.ts). Changing it would
 * regenerate deployed values.
 */
export const PLACEHOLDER_USERNAME = 'sink';
