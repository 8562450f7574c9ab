import { describe, expect, it } from 'vitest';
import { didYouMean, knownKeysAt } from '../../../lambdas/core/config/suggest.js';
import { loadSinkConfig } from '../../../lambdas/core/config/load.js';
import { sinkConfigSchema } from '../../../lambdas/core/config/schema.js';
import { deployConfigSchema } from '../../../infra/config/deploy-schema.js';
import { ConfigError } from '../../../lambdas/core/errors.js';

describe('did you mean', () => {
  it('suggests a close name and nothing for a far one', () => {
    expect(didYouMean('mapin', ['mapping', 'ttl', 'query'])).toBe('mapping');
    expect(didYouMean('Mapping', ['mapping', 'ttl'])).toBe('mapping');
    expect(didYouMean('colour', ['mapping', 'ttl', 'query'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });

  it('finds the settings an object accepts through records, defaults and unions', () => {
    expect(knownKeysAt(sinkConfigSchema, ['topics', 'orders', 'tables', 'shop.t'])).toContain('mapping');
    expect(knownKeysAt(sinkConfigSchema, [])).toEqual(expect.arrayContaining(['connection', 'topics']));
    expect(knownKeysAt(deployConfigSchema, ['eventSource'])).toContain('batchSize');
    expect(knownKeysAt(sinkConfigSchema, ['no', 'such', 'path'])).toEqual([]);
  });

  it('names the nearest setting in a sink config error', () => {
    const text = [
      'connection: { profile: cassandra, contactPoints: ["127.0.0.1:9042"], localDataCenter: dc1 }',
      'topics:',
      '  orders:',
      '    tables:',
      '      shop.orders_by_id: { mapin: "id=key", colour: red }',
    ].join('\n');
    let error: unknown;
    try {
      loadSinkConfig(text, 'mine.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('mine.yaml: topics.orders.tables.shop.orders_by_id.mapin: unknown setting (did you mean "mapping"?)');
    expect(message).toMatch(/orders_by_id\.colour: unknown setting$/m);
  });
});
