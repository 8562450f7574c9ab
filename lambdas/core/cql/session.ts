import type { ConsistencyLevel } from '../config/table.js';

/**
 * The port through which the core talks to a CQL cluster: the minimum the
 * sink needs, so the core stays testable with a small fake and free of driver
 * plumbing. The cassandra-driver implementation is
 * lambdas/adapters/cassandra-session.ts.
 *
 * Implementations throw SinkErrors only:
 *  - ConfigError when the problem is the deployment (unknown keyspace or
 *    table at prepare, bad credentials, missing permissions at init);
 *  - PoisonRecordError when the server (or the driver's encoder) rejects the
 *    values of this statement: the same values can never succeed;
 *  - TransientError for everything that may succeed later (timeouts,
 *    unavailable, overloaded, no host, connection errors, unknown errors).
 */
export interface CqlSession {
  /** The table's columns and user-defined types, or which part is missing. */
  readTable(keyspace: string, table: string): Promise<TableSchema | MissingTable>;
  /** Prepares once; the returned handle is passed back to execute and batch. */
  prepare(cql: string): Promise<PreparedStatement>;
  execute(statement: PreparedStatement, values: readonly unknown[], options: WriteOptions): Promise<void>;
  /** One UNLOGGED batch (a COUNTER batch when `options.counter`). */
  batch(items: readonly BoundWrite[], options: WriteOptions): Promise<void>;
}

export interface MissingTable {
  readonly missing: 'keyspace' | 'table';
}

export type ColumnKind = 'partition_key' | 'clustering' | 'regular' | 'static';

export interface ColumnSchema {
  /** Internal (case-exact) name. */
  readonly name: string;
  /** The CQL type as system_schema writes it, e.g. `frozen<map<text, int>>`. */
  readonly type: string;
  readonly kind: ColumnKind;
  /** Position within the partition key or the clustering columns; -1 otherwise. */
  readonly position: number;
}

/** A user-defined type as system_schema.types stores it. */
export interface UdtSchema {
  readonly keyspace: string;
  readonly name: string;
  readonly fieldNames: readonly string[];
  readonly fieldTypes: readonly string[];
}

export interface TableSchema {
  readonly keyspace: string;
  readonly table: string;
  readonly columns: readonly ColumnSchema[];
  /** Every user-defined type of the table's keyspace (columns may nest them). */
  readonly udts: readonly UdtSchema[];
}

export interface PreparedStatement {
  readonly cql: string;
  /** Bind variables in order, with their CQL type text (UDTs as `keyspace.name`). */
  readonly variables: readonly { readonly name: string; readonly type: string }[];
}

export interface BoundWrite {
  readonly statement: PreparedStatement;
  readonly values: readonly unknown[];
}

export interface WriteOptions {
  readonly consistency: ConsistencyLevel;
  /** Lets the driver retry and speculatively execute; false for counters. */
  readonly idempotent: boolean;
  /** A counter batch (counter updates cannot share a batch with other writes). */
  readonly counter?: boolean;
  /** Client-side timeout of this request, when a deadline is near. */
  readonly timeoutMs?: number;
}

export function isMissingTable(result: TableSchema | MissingTable): result is MissingTable {
  return 'missing' in result;
}
