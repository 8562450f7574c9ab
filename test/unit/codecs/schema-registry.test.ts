import { describe, expect, it } from 'vitest';
import { HttpSchemaRegistry } from '../../../lambdas/adapters/schema-registry.js';
import { ConfigError, PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';

function registryAnswering(status: number, body: string, seen: { url?: string; auth?: string | null } = {}) {
  const fakeFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    seen.url = input instanceof Request ? input.url : input.toString();
    seen.auth = new Headers(init?.headers).get('authorization');
    return Promise.resolve(new Response(body, { status }));
  };
  return new HttpSchemaRegistry({ url: 'http://registry:8081/', basicAuth: { username: 'u', password: 'p' }, fetch: fakeFetch });
}

describe('HttpSchemaRegistry', () => {
  it('GETs /schemas/ids/{id} with basic auth and returns the schema text', async () => {
    const seen: { url?: string; auth?: string | null } = {};
    const schema = await registryAnswering(200, JSON.stringify({ schema: '"string"' }), seen).getSchema(5);
    expect(schema).toBe('"string"');
    expect(seen.url).toBe('http://registry:8081/schemas/ids/5');
    expect(seen.auth).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('classifies failures', async () => {
    await expect(registryAnswering(404, '{"error_code":40403}').getSchema(5)).rejects.toBeInstanceOf(PoisonRecordError);
    await expect(registryAnswering(401, '').getSchema(5)).rejects.toBeInstanceOf(ConfigError);
    await expect(registryAnswering(503, 'busy').getSchema(5)).rejects.toBeInstanceOf(TransientError);
    await expect(registryAnswering(200, 'not json').getSchema(5)).rejects.toBeInstanceOf(TransientError);
    const unreachable = new HttpSchemaRegistry({ url: 'http://registry', fetch: () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(unreachable.getSchema(1)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('HttpSchemaRegistry.getRegisteredSchema', () => {
  const answers: Record<string, { status: number; body: unknown }> = {
    '/schemas/ids/7': {
      status: 200,
      body: {
        schema: 'import "a.proto"; message M { A a = 1; }',
        schemaType: 'PROTOBUF',
        references: [{ name: 'a.proto', subject: 'a/b', version: 2 }],
      },
    },
    '/subjects/a%2Fb/versions/2': {
      status: 200,
      body: {
        schema: 'import "c.proto"; message A { C c = 1; }',
        schemaType: 'PROTOBUF',
        references: [{ name: 'c.proto', subject: 'c', version: 1 }],
      },
    },
    '/subjects/c/versions/1': { status: 200, body: { schema: 'message C {}', schemaType: 'PROTOBUF' } },
    '/schemas/ids/8': {
      status: 200,
      body: { schema: 'message M {}', schemaType: 'PROTOBUF', references: [{ name: 'gone.proto', subject: 'gone', version: 1 }] },
    },
    '/schemas/ids/9': { status: 200, body: { schema: '"string"' } },
  };
  const registry = new HttpSchemaRegistry({
    url: 'http://registry',
    fetch: (input) => {
      const answer = answers[new URL(input instanceof Request ? input.url : input.toString()).pathname];
      return Promise.resolve(
        answer === undefined
          ? new Response('{"error_code":40401}', { status: 404 })
          : new Response(JSON.stringify(answer.body), { status: answer.status }),
      );
    },
  });

  it('returns the type and the texts of every reference, transitively, by name', async () => {
    const found = await registry.getRegisteredSchema(7);
    expect(found.schemaType).toBe('PROTOBUF');
    expect([...found.references.entries()]).toEqual([
      ['a.proto', 'import "c.proto"; message A { C c = 1; }'],
      ['c.proto', 'message C {}'],
    ]);
  });

  it('reads a schema without schemaType as Avro, and a missing reference as poison naming it', async () => {
    expect((await registry.getRegisteredSchema(9)).schemaType).toBe('AVRO');
    await expect(registry.getRegisteredSchema(8)).rejects.toThrow(PoisonRecordError);
    await expect(registry.getRegisteredSchema(8)).rejects.toThrow(/no version 1 of subject "gone" \(referenced as "gone.proto"\)/);
  });
});
