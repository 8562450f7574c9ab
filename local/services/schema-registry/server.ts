import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { MockClient, RestError, type SchemaInfo, type SchemaMetadata } from '@confluentinc/schemaregistry';

/*
 * The Confluent Schema Registry REST protocol (the part producers and the
 * sink use) over the in-memory registry of Confluent's official Node client
 * (@confluentinc/schemaregistry's MockClient, its test utility). No real
 * registry can be assembled on these machines: see
 * docs/decisions/local-schema-registry.md.
 */

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8081' }, 'cache-dir': { type: 'string' } },
});
const registry = new MockClient();

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': CONTENT_TYPE });
  response.end(JSON.stringify(body));
}

/** As the registry answers: schemaType and references only when not the defaults (AVRO, none). */
function schemaBody(info: SchemaInfo | SchemaMetadata): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: info.schema };
  if (info.schemaType !== undefined && info.schemaType !== 'AVRO') body.schemaType = info.schemaType;
  if (info.references !== undefined && info.references.length > 0) body.references = info.references;
  return body;
}

async function readBody(request: IncomingMessage): Promise<SchemaInfo> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<SchemaInfo>;
  if (typeof parsed.schema !== 'string') throw new RestError('Empty schema', 422, 42201);
  return {
    schema: parsed.schema,
    schemaType: parsed.schemaType ?? 'AVRO',
    ...(parsed.references === undefined ? {} : { references: parsed.references }),
  };
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://registry');
  const parts = url.pathname
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (request.method === 'GET' && parts.length === 0) {
    send(response, 200, {});
    return;
  }
  if (request.method === 'GET' && first === 'subjects' && parts.length === 1) {
    send(response, 200, await registry.getAllSubjects());
    return;
  }
  if (request.method === 'GET' && first === 'schemas' && second === 'ids' && parts.length === 3) {
    send(response, 200, schemaBody(await registry.getBySubjectAndId('', Number(third))));
    return;
  }
  if (first === 'subjects' && second !== undefined && third === 'versions') {
    if (request.method === 'POST' && parts.length === 3) {
      send(response, 200, { id: await registry.register(second, await readBody(request)) });
      return;
    }
    if (request.method === 'GET' && parts.length === 3) {
      send(response, 200, await registry.getAllVersions(second));
      return;
    }
    if (request.method === 'GET' && fourth !== undefined && parts.length === 4) {
      const metadata =
        fourth === 'latest' ? await registry.getLatestSchemaMetadata(second) : await registry.getSchemaMetadata(second, Number(fourth));
      send(response, 200, { subject: second, version: metadata.version, id: metadata.id, ...schemaBody(metadata) });
      return;
    }
  }
  send(response, 404, { error_code: 404, message: `HTTP 404 Not Found: ${request.method ?? ''} ${url.pathname}` });
}

const server = createServer((request, response) => {
  route(request, response).catch((error: unknown) => {
    if (error instanceof RestError) send(response, error.status, { error_code: error.errorCode, message: error.message });
    else send(response, 500, { error_code: 50001, message: error instanceof Error ? error.message : String(error) });
  });
});
server.listen(Number(values.port), values.host, () => {
  console.log(`schema registry (Confluent protocol, in memory) listening on http://${values.host}:${values.port}`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
