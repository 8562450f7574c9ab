/**
 * A CqlSession that does nothing: the table schema and prepared variables
 * were read once from the real cluster, execute and batch return at once.
 * With it the handler runs decode + map + convert + bind + grouping and no
 * database, which is what the CPU-per-record figure measures.
 */
import type { BoundWrite, CqlSession, PreparedStatement, TableSchema, WriteOptions } from '../../lambdas/core/cql/session.js';

export interface CapturedSchema {
  readonly tables: ReadonlyMap<string, TableSchema>;
  readonly prepared: ReadonlyMap<string, PreparedStatement>;
}

/** Records what the engine reads and prepares on a real session, to replay it in the fake. */
export function capturingSession(real: CqlSession): { session: CqlSession; captured: CapturedSchema } {
  const tables = new Map<string, TableSchema>();
  const prepared = new Map<string, PreparedStatement>();
  return {
    captured: { tables, prepared },
    session: {
      async readTable(keyspace, table) {
        const schema = await real.readTable(keyspace, table);
        if (!('missing' in schema)) tables.set(`${keyspace}.${table}`, schema);
        return schema;
      },
      async prepare(cql) {
        const statement = await real.prepare(cql);
        prepared.set(cql, statement);
        return statement;
      },
      execute: (statement, values, options) => real.execute(statement, values, options),
      batch: (items, options) => real.batch(items, options),
    },
  };
}

export interface NullSession extends CqlSession {
  /** Statements "written" so far. */
  readonly statements: () => number;
}

export function nullSession(captured: CapturedSchema): NullSession {
  let statements = 0;
  return {
    statements: () => statements,
    readTable(keyspace, table) {
      const schema = captured.tables.get(`${keyspace}.${table}`);
      return Promise.resolve(schema ?? { missing: 'table' as const });
    },
    prepare(cql) {
      const statement = captured.prepared.get(cql);
      return statement === undefined ? Promise.reject(new Error(`not captured: ${cql}`)) : Promise.resolve(statement);
    },
    execute(_statement: PreparedStatement, _values: readonly unknown[], _options: WriteOptions) {
      statements += 1;
      return Promise.resolve();
    },
    batch(items: readonly BoundWrite[], _options: WriteOptions) {
      statements += items.length;
      return Promise.resolve();
    },
  };
}
