/**
 * CQL text of the statements the sink prepares, one set per target table.
 * Bind markers are positional; each builder documents the order of its
 * binds, which the row mapper follows.
 *
 * Identifiers are always double-quoted: quoting is never wrong, while a bare
 * name that happens to be a CQL keyword (`select`, `key`…) is a syntax error.
 */

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function tableRef(keyspace: string, table: string): string {
  return `${quoteIdentifier(keyspace)}.${quoteIdentifier(table)}`;
}

export interface UsingClause {
  /** `USING TIMESTAMP ?` (a bigint in µs). */
  readonly timestamp: boolean;
  /** `TTL ?` bound per record, a fixed number of seconds, or none. */
  readonly ttl: 'bind' | number | 'none';
}

function usingClause({ timestamp, ttl }: UsingClause): string {
  const parts: string[] = [];
  if (timestamp) parts.push('TIMESTAMP ?');
  if (ttl === 'bind') parts.push('TTL ?');
  else if (typeof ttl === 'number') parts.push(`TTL ${ttl}`);
  return parts.length === 0 ? '' : ` USING ${parts.join(' AND ')}`;
}

/** Binds: the columns in order, then the timestamp, then the TTL (when bound). */
export function insertCql(keyspace: string, table: string, columns: readonly string[], using: UsingClause): string {
  const names = columns.map(quoteIdentifier).join(', ');
  const markers = columns.map(() => '?').join(', ');
  return `INSERT INTO ${tableRef(keyspace, table)} (${names}) VALUES (${markers})${usingClause(using)}`;
}

/**
 * Counter tables take increments only, without TIMESTAMP or TTL (Cassandra
 * rejects both on counters). Binds: the counters in order, then the key columns.
 */
export function counterUpdateCql(keyspace: string, table: string, counters: readonly string[], keyColumns: readonly string[]): string {
  const set = counters.map((name) => `${quoteIdentifier(name)} = ${quoteIdentifier(name)} + ?`).join(', ');
  return `UPDATE ${tableRef(keyspace, table)} SET ${set} WHERE ${whereKey(keyColumns)}`;
}

/**
 * Deletes the whole row, or only `columns` when given (a mapping that does
 * not own every column must not delete the others). Binds: the timestamp
 * (when used), then the key columns.
 */
export function deleteCql(
  keyspace: string,
  table: string,
  keyColumns: readonly string[],
  options: { timestamp: boolean; columns?: readonly string[] },
): string {
  const selection = options.columns === undefined ? '' : ` ${options.columns.map(quoteIdentifier).join(', ')}`;
  const using = options.timestamp ? ' USING TIMESTAMP ?' : '';
  return `DELETE${selection} FROM ${tableRef(keyspace, table)}${using} WHERE ${whereKey(keyColumns)}`;
}

function whereKey(keyColumns: readonly string[]): string {
  return keyColumns.map((name) => `${quoteIdentifier(name)} = ?`).join(' AND ');
}
