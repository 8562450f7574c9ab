import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSinkConfig } from '../../../lambdas/core/config/load.js';
import { parseTableName } from '../../../lambdas/core/config/table-name.js';
import { parseMapping } from '../../../lambdas/core/mapping/parse.js';
import { problemsOf } from './helpers.js';

const yaml = `
connection:
  profile: cassandra
  contactPoints: [node1, "node2:9043"]
  localDataCenter: dc1
topics:
  orders.v1:
    tables:
      shop."OrdersById":
        mapping: id=key, total=value.total
        ttl: 3600
`;

describe('loadSinkConfig', () => {
  it('reads YAML', () => {
    const config = loadSinkConfig(yaml, 'sink.yaml');
    expect(config.connection).toMatchObject({ contactPoints: ['node1', 'node2:9043'] });
    expect(config.topics['orders.v1']?.tables['shop."OrdersById"']?.ttl).toBe(3600);
  });

  it('reads JSON to the same config', () => {
    const json = JSON.stringify({
      connection: { profile: 'cassandra', contactPoints: ['node1', 'node2:9043'], localDataCenter: 'dc1' },
      topics: { 'orders.v1': { tables: { 'shop."OrdersById"': { mapping: 'id=key, total=value.total', ttl: 3600 } } } },
    });
    expect(loadSinkConfig(json, 'sink.json')).toEqual(loadSinkConfig(yaml, 'sink.yaml'));
  });

  it('reports syntax errors with the source name, line and column', () => {
    expect(problemsOf(() => loadSinkConfig('connection:\n  profile: [cassandra\n', 'bad.yaml'))[0]).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(problemsOf(() => loadSinkConfig('{"connection": {', 'bad.json'))[0]).toMatch(/^bad\.json:\d+:\d+: /);
  });

  it('rejects duplicate keys instead of silently keeping one', () => {
    expect(problemsOf(() => loadSinkConfig('topics: {}\ntopics: {}\n', 'dup.yaml'))[0]).toMatch(/^dup\.yaml:2:1: Map keys must be unique/);
  });

  it('prefixes validation problems with the source name', () => {
    expect(
      problemsOf(() =>
        loadSinkConfig('connection: {profile: cassandra, contactPoints: [h], localDataCenter: dc1}\ntopics: {}\n', 'empty.yaml'),
      ),
    ).toEqual(['empty.yaml: topics: at least one topic is required (got {})']);
  });
});

describe('config/example.sink.yaml', () => {
  it('validates and maps ten fields of orders into two shop tables', () => {
    const config = loadSinkConfig(
      readFileSync(new URL('../../../config/example.sink.yaml', import.meta.url), 'utf8'),
      'config/example.sink.yaml',
    );
    const tables = config.topics.orders?.tables ?? {};
    expect(Object.keys(tables).map((key) => parseTableName(key))).toEqual([
      { keyspace: 'shop', table: 'orders_by_id' },
      { keyspace: 'shop', table: 'orders_by_customer' },
    ]);
    const byId = parseMapping(tables['shop.orders_by_id']?.mapping ?? '');
    expect(byId.filter((entry) => entry.target === 'column')).toHaveLength(9);
    expect(byId.some((entry) => entry.target === 'ttl')).toBe(true);
  });
});

describe('parseTableName', () => {
  it('lower-cases unquoted names and keeps quoted ones', () => {
    expect(parseTableName('Shop."OrdersById"')).toEqual({ keyspace: 'shop', table: 'OrdersById' });
    expect(parseTableName('shop."a.b"')).toBeUndefined();
    expect(parseTableName('_shop.orders')).toBeUndefined();
  });
});
