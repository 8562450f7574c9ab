import type { SchemaRegistry } from '../core/codecs/schema-registry.js';
import { ConfigError, PoisonRecordError, TransientError } from '../core/errors.js';

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

  constructor(options: HttpSchemaRegistryOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.headers = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
    if (options.basicAuth) {
      const token = Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64');
      this.headers.authorization = `Basic ${token}`;
    }
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetchFn = options.fetch ?? fetch;
  }

  async getSchema(id: number): Promise<string> {
    const url = `${this.baseUrl}/schemas/ids/${id}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new TransientError(`schema registry ${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
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
