/**
 * Keyspace and table names in the `tables` keys ("keyspace.table"). CQL rules:
 * an unquoted name starts with a letter and is lower-cased; a quoted name
 * keeps its case. Cassandra allows only letters, digits and `_` in either.
 */
const PART = String.raw`([A-Za-z][A-Za-z0-9_]*|"\w+")`;
const TABLE_KEY = new RegExp(`^${PART}\\.${PART}$`);

export interface TableName {
  /** Internal (case-exact, unquoted) keyspace name. */
  readonly keyspace: string;
  /** Internal (case-exact, unquoted) table name. */
  readonly table: string;
}

/** Returns undefined when the key is not `keyspace.table` made of valid CQL names. */
export function parseTableName(key: string): TableName | undefined {
  const match = TABLE_KEY.exec(key);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { keyspace: internalName(match[1]), table: internalName(match[2]) };
}

function internalName(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1) : part.toLowerCase();
}

/** The CQL spelling of an internal name: bare when CQL would read it back unchanged. */
export function cqlName(internal: string): string {
  return /^[a-z][a-z0-9_]*$/.test(internal) ? internal : `"${internal.replaceAll('"', '""')}"`;
}

export const TABLE_NAME_RULE =
  'expected "keyspace.table": each name is letters, digits and "_", starting with a letter unless double-quoted (quoting keeps upper case)';
