import type { SchemaRegistry } from '../core/codecs/schema-registry.js';
import { ConfigError, PoisonRecordError, SinkError, TransientError } from '../core/errors.js';

export interface HttpSchemaRegistryOptions {
  /** Base URL, e.g. https://registry.example.com:8081 (a trailing slash is fine). */
  readonly url: string;
  /** HTTP basic auth, as Confluent Cloud and most registries take it. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Per-request timeout; default 5 s, well inside a Lambda invocation. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * A Confluent-compatible registry over HTTP: `GET {url}/schemas/ids/{id}`
 * answers `{"schema": "<schema text>", "schemaType"?: "AVRO" | ...}`.
 * Failures carry their kind: unreachable, timeouts, 429 and 5xx are
 * transient (the batch is retried); an unknown id (404) is poison; bad
 * credentials (401/403) are a configuration error.
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  /** Texts that must never reach an error message: the password, the basic token, URL user info. */
  private readonly secrets: string[] = [];
  private readonly urlHasUserInfo: boolean;

  constructor(options: HttpSchemaRegistryOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.headers = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
    if (options.basicAuth) {
      const token = Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64');
      this.headers.authorization = `Basic ${token}`;
      this.secrets.push(token, options.basicAuth.password);
    }
    const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]+)@/i.exec(this.baseUrl)?.[1];
    this.urlHasUserInfo = userInfo !== undefined;
    if (userInfo !== undefined) this.secrets.push(userInfo, ...userInfo.split(':').slice(1));
    this.secrets = this.secrets.filter((secret) => secret.length > 0);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Error text with every known secret replaced (a registry or proxy may echo the request, fetch errors quote the URL). */
  private redact(text: string): string {
    return this.secrets.reduce((out, secret) => out.replaceAll(secret, '***'), text);
  }

  async getSchema(id: number): Promise<string> {
    try {
      return await this.fetchSchema(id);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      const message = this.redact(error.message);
      // A cause that quotes a credential (a fetch error echoing its request) is dropped, not logged.
      const causeText = error.cause instanceof Error ? `${error.cause.message}\n${error.cause.stack ?? ''}` : '';
      if (error instanceof SinkError && this.redact(causeText) !== causeText) {
        throw new (error.constructor as new (message: string) => SinkError)(message);
      }
      error.message = message;
      throw error;
    }
  }

  private async fetchSchema(id: number): Promise<string> {
    const url = `${this.baseUrl}/schemas/ids/${id}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      // undici quotes a URL with user info in its errors: then the cause is left out.
      throw new TransientError(`schema registry ${url}: ${error instanceof Error ? error.message : String(error)}`, this.urlHasUserInfo ? undefined : { cause: error });
    }
    const body = await response.text().catch(() => '');
    if (response.status === 404) throw new PoisonRecordError(`schema registry ${url}: no schema with id ${id} (404 ${body.slice(0, 200)})`);
    if (response.status === 401 || response.status === 403) {
      throw new ConfigError(`schema registry ${url}: access denied (${response.status}); check the registry credentials`);
    }
    if (!response.ok) throw new TransientError(`schema registry ${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
    let schema: unknown;
    try {
      schema = (JSON.parse(body) as { schema?: unknown }).schema;
    } catch {
      schema = undefined;
    }
    if (typeof schema !== 'string') throw new TransientError(`schema registry ${url}: unexpected response ${JSON.stringify(body.slice(0, 200))}`);
    return schema;
  }
}
