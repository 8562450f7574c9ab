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
    const unreachable = new HttpSchemaRegistry({ url: 'http://registry', fetch: (() => Promise.reject(new Error('ECONNREFUSED'))) });
    await expect(unreachable.getSchema(1)).rejects.toThrow(/ECONNREFUSED/);
  });
});
