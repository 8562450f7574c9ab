/**
 * A tiny in-process, Confluent-compatible schema registry for the Avro
 * variant: `GET /schemas/ids/{id}` answers `{"schema": "<text>"}`. Enough for
 * the sink's HTTP registry adapter; nothing else of the registry API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalRegistry {
  readonly url: string;
  /** Requests served, to show the sink fetches each schema once per container. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** A schema text (Avro), or a text with its type (PROTOBUF, JSON). */
export type RegistryEntry = string | { readonly schema: string; readonly schemaType: string };

export async function startRegistry(schemas: ReadonlyMap<number, RegistryEntry>): Promise<LocalRegistry> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    const id = /^\/schemas\/ids\/(\d+)$/.exec(request.url ?? '')?.[1];
    const schema = id === undefined ? undefined : schemas.get(Number(id));
    if (request.method !== 'GET' || schema === undefined) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error_code: 40403, message: 'Schema not found' }));
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' })
      .end(JSON.stringify(typeof schema === 'string' ? { schema } : schema));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
