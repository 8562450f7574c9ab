import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, TransientError } from '../core/errors.js';

/**
 * Secrets from AWS Secrets Manager, read once per container and cached.
 *
 * After an authentication failure the caller invalidates the secret and tries
 * once more with a fresh read, which is how a rotated password is picked up
 * without a cold start. Secret values never appear in an error message or a
 * log line: errors name the secret (its ARN) and what was wrong with its shape.
 */
export interface SecretSource {
  /** A JSON secret with string `username` and `password` (the shape RDS-style rotation writes). */
  getUsernamePassword(secretId: string): Promise<UsernamePassword>;
  /** A token: the plain secret string, or the `token` (else `password`) field of a JSON secret. */
  getToken(secretId: string): Promise<string>;
  /** Bytes: SecretBinary as is, or a SecretString holding base64. */
  getBytes(secretId: string): Promise<Buffer>;
  /** The secret string as is (a PEM CA bundle, for example). */
  getText(secretId: string): Promise<string>;
  /** Forgets one cached secret (or all) so the next read fetches it again. */
  invalidate(secretId?: string): void;
}

export interface UsernamePassword {
  readonly username: string;
  readonly password: string;
}

interface RawSecret {
  readonly text?: string;
  readonly binary?: Buffer;
  readonly fetchedAt: number;
}

export interface SecretsManagerSourceOptions {
  readonly client: SecretsManagerClient;
  /** Re-read a cached secret older than this. Default: never (rotation is handled by invalidate()). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/** Secrets Manager errors that retrying will not fix: the deployment must change. */
const CONFIG_ERROR_NAMES = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'AccessDenied',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
  'UnrecognizedClientException',
  'ValidationException',
]);

export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, Promise<RawSecret>>();
  private readonly now: () => number;
  /** How many GetSecretValue calls were made; for tests and metrics. */
  fetchCount = 0;

  constructor(private readonly options: SecretsManagerSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  async getUsernamePassword(secretId: string): Promise<UsernamePassword> {
    const json = parseJsonObject(await this.getText(secretId));
    if (json === undefined)
      throw new ConfigError(`secret ${secretId} must be JSON with "username" and "password"; it is not a JSON object`);
    const { username, password } = json;
    const missing = [
      typeof username === 'string' && username !== '' ? undefined : 'username',
      typeof password === 'string' && password !== '' ? undefined : 'password',
    ].filter((field) => field !== undefined);
    if (missing.length > 0 || typeof username !== 'string' || typeof password !== 'string') {
      throw new ConfigError(
        `secret ${secretId} must be JSON with non-empty string "username" and "password"; missing or not a string: ${missing.join(', ')}`,
      );
    }
    return { username, password };
  }

  async getToken(secretId: string): Promise<string> {
    const text = await this.getText(secretId);
    const json = parseJsonObject(text);
    if (json !== undefined) {
      const token = typeof json.token === 'string' ? json.token : json.password;
      if (typeof token !== 'string' || token === '')
        throw new ConfigError(`secret ${secretId} is JSON but has no string "token" (or "password") field`);
      return token;
    }
    const token = text.trim();
    if (token === '') throw new ConfigError(`secret ${secretId} is empty; expected a token`);
    return token;
  }

  async getBytes(secretId: string): Promise<Buffer> {
    const raw = await this.read(secretId);
    if (raw.binary !== undefined) return raw.binary;
    const text = (raw.text ?? '').replace(/\s+/g, '');
    if (text === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new ConfigError(`secret ${secretId} must hold binary data (SecretBinary) or base64 text (SecretString); it holds neither`);
    }
    return Buffer.from(text, 'base64');
  }

  async getText(secretId: string): Promise<string> {
    const raw = await this.read(secretId);
    if (raw.text !== undefined) return raw.text;
    if (raw.binary !== undefined) return raw.binary.toString('utf8');
    throw new ConfigError(`secret ${secretId} has no value`);
  }

  invalidate(secretId?: string): void {
    if (secretId === undefined) this.cache.clear();
    else this.cache.delete(secretId);
  }

  private read(secretId: string): Promise<RawSecret> {
    const cached = this.cache.get(secretId);
    if (cached !== undefined) {
      const maxAge = this.options.maxAgeMs;
      if (maxAge === undefined) return cached;
      // A pending or failed read is never stale; a resolved one may be.
      return cached.then((raw) => (this.now() - raw.fetchedAt > maxAge ? this.refetch(secretId, cached) : raw));
    }
    return this.fetch(secretId);
  }

  private refetch(secretId: string, stale: Promise<RawSecret>): Promise<RawSecret> {
    if (this.cache.get(secretId) === stale) this.cache.delete(secretId);
    return this.read(secretId);
  }

  private fetch(secretId: string): Promise<RawSecret> {
    const pending = this.fetchOnce(secretId);
    this.cache.set(secretId, pending);
    // A failed read is not cached: the next call tries again.
    pending.catch(() => {
      if (this.cache.get(secretId) === pending) this.cache.delete(secretId);
    });
    return pending;
  }

  private async fetchOnce(secretId: string): Promise<RawSecret> {
    this.fetchCount++;
    try {
      const out = await this.options.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return {
        ...(out.SecretString === undefined ? {} : { text: out.SecretString }),
        ...(out.SecretBinary === undefined ? {} : { binary: Buffer.from(out.SecretBinary) }),
        fetchedAt: this.now(),
      };
    } catch (error) {
      throw classifySecretsError(secretId, error);
    }
  }
}

/** Maps an SDK error to the taxonomy without echoing anything but its name and message (which never hold the value). */
export function classifySecretsError(secretId: string, error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const text = `reading secret ${secretId} failed: ${name}: ${message}`;
  return CONFIG_ERROR_NAMES.has(name) ? new ConfigError(text, { cause: error }) : new TransientError(text, { cause: error });
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(trimmed) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
