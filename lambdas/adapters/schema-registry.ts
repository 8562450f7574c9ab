import type { RegisteredSchema, RegistrySchemaType, SchemaRegistry } from '../core/codecs/schema-registry.js';
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

interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

interface FetchedSchema {
  readonly schema: string;
  readonly schemaType: RegistrySchemaType;
  readonly references: readonly SchemaReference[];
}

function isSchemaType(value: unknown): value is RegistrySchemaType {
  return value === 'AVRO' || value === 'PROTOBUF' || value === 'JSON';
}

function isReference(value: unknown): value is SchemaReference {
  const reference = value as Partial<SchemaReference> | null;
  return typeof reference?.name === 'string' && typeof reference.subject === 'string' && Number.isInteger(reference.version);
}

/**
 * A Confluent-compatible registry over HTTP: `GET {url}/schemas/ids/{id}`
 * answers `{"schema": "<schema text>", "schemaType"?: "AVRO" | "PROTOBUF" | "JSON",
 * "references"?: [{"name", "subject", "version"}]}`; a reference's text is
 * `GET {url}/subjects/{subject}/versions/{version}`.
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
    return (await this.redacting(() => this.fetchJson(`/schemas/ids/${id}`, `no schema with id ${id}`))).schema;
  }

  async getRegisteredSchema(id: number): Promise<RegisteredSchema> {
    return this.redacting(async () => {
      const found = await this.fetchJson(`/schemas/ids/${id}`, `no schema with id ${id}`);
      const references = new Map<string, string>();
      await this.resolveReferences(found.references, references);
      return { text: found.schema, schemaType: found.schemaType, references };
    });
  }

  /** Every reference, and theirs in turn, by name; a name seen once is fetched once. */
  private async resolveReferences(references: readonly SchemaReference[], into: Map<string, string>): Promise<void> {
    for (const reference of references) {
      if (into.has(reference.name)) continue;
      const path = `/subjects/${encodeURIComponent(reference.subject)}/versions/${reference.version}`;
      const found = await this.fetchJson(
        path,
        `no version ${reference.version} of subject ${JSON.stringify(reference.subject)} (referenced as ${JSON.stringify(reference.name)})`,
      );
      into.set(reference.name, found.schema);
      await this.resolveReferences(found.references, into);
    }
  }

  private async redacting<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
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

  private async fetchJson(path: string, notFound: string): Promise<FetchedSchema> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      // undici quotes a URL with user info in its errors: then the cause is left out.
      throw new TransientError(
        `schema registry ${url}: ${error instanceof Error ? error.message : String(error)}`,
        this.urlHasUserInfo ? undefined : { cause: error },
      );
    }
    const body = await response.text().catch(() => '');
    if (response.status === 404) throw new PoisonRecordError(`schema registry ${url}: ${notFound} (404 ${body.slice(0, 200)})`);
    if (response.status === 401 || response.status === 403) {
      throw new ConfigError(`schema registry ${url}: access denied (${response.status}); check the registry credentials`);
    }
    if (!response.ok) throw new TransientError(`schema registry ${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
    let parsed: { schema?: unknown; schemaType?: unknown; references?: unknown } | undefined;
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const schemaType = parsed?.schemaType ?? 'AVRO';
    const references = parsed?.references ?? [];
    if (typeof parsed?.schema !== 'string' || !isSchemaType(schemaType) || !Array.isArray(references) || !references.every(isReference)) {
      throw new TransientError(`schema registry ${url}: unexpected response ${JSON.stringify(body.slice(0, 200))}`);
    }
    return { schema: parsed.schema, schemaType, references };
  }
}
