import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import type { SinkConfigInput } from '../../../lambdas/core/config/schema.js';
import { parseTableName } from '../../../lambdas/core/config/table-name.js';
import { deleteCql, insertCql, counterUpdateCql } from '../../../lambdas/core/cql/statements.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { mappedColumns } from '../../../lambdas/core/mapping/ast.js';
import { parseMapping } from '../../../lambdas/core/mapping/parse.js';

/*
 * CQL identifiers from the config are validated and always quoted; record
 * values are always bound, never part of the statement text. Injection
 * attempts through the config are ConfigErrors.
 */

type TableInput = SinkConfigInput['topics'][string]['tables'][string];

function config(tables: Record<string, TableInput>): unknown {
  return { connection: { profile: 'cassandra', contactPoints: ['127.0.0.1'], localDataCenter: 'dc1' }, topics: { orders: { tables } } };
}

function configError(tables: Record<string, TableInput>): ConfigError {
  try {
    parseSinkConfig(config(tables));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(tables)}`);
}

describe('table names', () => {
  it.each([
    'ks.t; DROP TABLE x',
    'ks.t;',
    'ks.t --',
    'ks.t/*x*/',
    'ks."t""; DROP TABLE x; --"',
    'ks."t; DROP TABLE x"',
    'ks."a b"',
    '"ks".t WHERE 1=1',
    'ks.t.u',
    'ks',
    ' ks.t',
    "ks.t'",
    'ks.t\n',
    'ks.tä',
  ])('%j is a ConfigError', (name) => {
    expect(parseTableName(name)).toBeUndefined();
    expect(configError({ [name]: { mapping: 'id=key' } }).message).toContain('expected "keyspace.table"');
  });

  it('valid names: unquoted ones lower-cased, quoted ones kept, and they are quoted in every statement', () => {
    expect(parseTableName('Shop.Orders')).toEqual({ keyspace: 'shop', table: 'orders' });
    expect(parseTableName('shop."Orders_2"')).toEqual({ keyspace: 'shop', table: 'Orders_2' });
    expect(insertCql('shop', 'Orders_2', ['id'], { timestamp: true, ttl: 'none' })).toBe(
      'INSERT INTO "shop"."Orders_2" ("id") VALUES (?) USING TIMESTAMP ?',
    );
  });
});

describe('column names in a mapping', () => {
  it('a quoted column name with quotes, semicolons and comment markers stays one identifier: quoted and escaped in the CQL', () => {
    const mapping = parseMapping('"a""; DROP TABLE x; --"=value.a, id=key');
    const columns = mappedColumns(mapping).map((entry) => entry.column);
    expect(columns).toEqual(['a"; DROP TABLE x; --', 'id']);
    const cql = insertCql('ks', 't', columns, { timestamp: true, ttl: 'bind' });
    expect(cql).toBe('INSERT INTO "ks"."t" ("a""; DROP TABLE x; --", "id") VALUES (?, ?) USING TIMESTAMP ? AND TTL ?');
    // Exactly the quoted identifiers and binds: no statement separator outside a quoted identifier.
    expect(cql.replace(/"(?:[^"]|"")*"/g, 'I')).toBe('INSERT INTO I.I (I, I) VALUES (?, ?) USING TIMESTAMP ? AND TTL ?');
    expect(deleteCql('ks', 't', ['id'], { timestamp: true, columns: columns.slice(0, 1) })).toBe(
      'DELETE "a""; DROP TABLE x; --" FROM "ks"."t" USING TIMESTAMP ? WHERE "id" = ?',
    );
    expect(counterUpdateCql('ks', 't', ['n"; --'], ['id'])).toBe('UPDATE "ks"."t" SET "n""; --" = "n""; --" + ? WHERE "id" = ?');
  });

  it.each([
    'a;b=value.a',
    'a=value.a; DROP TABLE x',
    "a'=value",
    'a=value.b--',
    'a=value.b /* x */',
    'a=now(); DROP',
    'a=value.x)',
    '"unterminated=value',
  ])('unquoted junk %j is a ConfigError', (mapping) => {
    expect(() => parseMapping(mapping)).toThrow(ConfigError);
    expect(configError({ 'ks.t': { mapping } }).message).toMatch(/mapping/);
  });
});

describe('custom query', () => {
  const withQuery = (query: string, mapping = 'id=key, n=value.n'): TableInput => ({ mapping, query, deletesEnabled: false });

  it.each([
    ['INSERT INTO ks.t (id, n) VALUES (:id, :n); DROP TABLE ks.t', /single statement/],
    ['INSERT INTO ks.t (id, n) VALUES (:id, :n);DROP KEYSPACE ks;', /single statement/],
    ['UPDATE ks.t SET n = :n WHERE id = :id; --\nDELETE FROM ks.t WHERE id = :id', /single statement/],
    ['DROP TABLE ks.t', /must be an INSERT, UPDATE or DELETE statement, not DROP/],
    ['TRUNCATE ks.t', /not TRUNCATE/],
    ['SELECT * FROM ks.t WHERE id = :id', /not SELECT/],
    ['BEGIN BATCH INSERT INTO ks.t (id) VALUES (:id) APPLY BATCH', /not BEGIN/],
    ['GRANT ALL ON KEYSPACE ks TO attacker', /not GRANT/],
    ["INSERT INTO ks.t (id, n) VALUES (:id, ':n')", /looks like a placeholder/],
    ["INSERT INTO ks.t (id, n) VALUES (:id, '${value.n}')", /looks like a placeholder/],
    ["INSERT INTO ks.t (id, n) VALUES (:id, '{{n}}')", /looks like a placeholder/],
    ['INSERT INTO ks.t (id, n) VALUES (:id, $$${n}$$)', /looks like a placeholder/],
    ["INSERT INTO ks.t (id, n) VALUES (:id, 'x)", /unterminated string literal/],
    ['INSERT INTO ks.t (id, n) VALUES (:id, :n) /* ; DROP TABLE x', /unterminated \/\* comment/],
    ['INSERT INTO ks.t (id, n) VALUES (:id, ?)', /named binds/],
  ])('%j is a ConfigError', (query, message) => {
    expect(configError({ 'ks.t': withQuery(query) }).message).toMatch(message);
  });

  it.each([
    'INSERT INTO ks.t (id, n) VALUES (:id, :n)',
    'INSERT INTO ks.t (id, n) VALUES (:id, :n);',
    "INSERT INTO ks.t (id, n, note) VALUES (:id, :n, 'a; b -- not a comment')",
    'INSERT INTO ks."odd;name" ("n; x", id) VALUES (:n, :id) -- trailing comment; with a semicolon',
    'update ks.t USING TTL 60 SET n = n + :n WHERE id = :id',
    "DELETE FROM ks.t WHERE id = :id IF n = 'x''y'",
  ])('%j is allowed', (query) => {
    expect(() => parseSinkConfig(config({ 'ks.t': withQuery(query) }))).not.toThrow();
  });
});
