import { ConfigError } from '../errors.js';
import type { ColumnKind, TableSchema, UdtSchema } from './session.js';
import { parseCqlType, type CqlType, type UdtDefinition, type UdtLookup } from './types.js';

export interface ColumnModel {
  readonly name: string;
  readonly type: CqlType;
  readonly kind: ColumnKind;
}

/** A table as the statement builder and the row mapper need it, types parsed once at init. */
export interface TableModel {
  readonly keyspace: string;
  readonly table: string;
  readonly columns: ReadonlyMap<string, ColumnModel>;
  /** Partition key columns in key order. */
  readonly partitionKey: readonly string[];
  /** Clustering columns in clustering order. */
  readonly clustering: readonly string[];
  /** A counter table: every non-key column is a counter. */
  readonly isCounter: boolean;
  /** Resolves UDT names of the table's keyspace (for bind variables of custom queries). */
  readonly udtLookup: UdtLookup;
}

/**
 * Parses the column types of a table read through the CqlSession port.
 * UDTs may nest other UDTs of the same keyspace, so each is resolved on
 * first use and memoised. Throws ConfigError for a type the sink cannot handle.
 */
export function buildTableModel(schema: TableSchema): TableModel {
  const udtLookup = makeUdtLookup(schema.keyspace, schema.udts);
  const columns = new Map<string, ColumnModel>();
  const problems: string[] = [];
  for (const column of schema.columns) {
    try {
      columns.set(column.name, { name: column.name, type: parseCqlType(column.type, udtLookup), kind: column.kind });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(`column "${column.name}": ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const keyOf = (kind: ColumnKind) =>
    schema.columns
      .filter((column) => column.kind === kind)
      .sort((a, b) => a.position - b.position)
      .map((column) => column.name);
  const regular = [...columns.values()].filter((column) => column.kind === 'regular' || column.kind === 'static');
  return {
    keyspace: schema.keyspace,
    table: schema.table,
    columns,
    partitionKey: keyOf('partition_key'),
    clustering: keyOf('clustering'),
    isCounter: regular.length > 0 && regular.every((column) => column.type.kind === 'counter'),
    udtLookup,
  };
}

export function isPrimaryKey(column: ColumnModel): boolean {
  return column.kind === 'partition_key' || column.kind === 'clustering';
}

function makeUdtLookup(keyspace: string, udts: readonly UdtSchema[]): UdtLookup {
  const raw = new Map(udts.map((udt) => [`${udt.keyspace}\u0000${udt.name}`, udt]));
  const resolved = new Map<string, UdtDefinition>();
  const resolving = new Set<string>();
  const lookup: UdtLookup = (name, inKeyspace) => {
    const key = `${inKeyspace ?? keyspace}\u0000${name}`;
    const done = resolved.get(key);
    if (done) return done;
    const udt = raw.get(key);
    if (!udt || resolving.has(key)) return undefined;
    resolving.add(key);
    try {
      const definition: UdtDefinition = {
        keyspace: udt.keyspace,
        name: udt.name,
        fields: udt.fieldNames.map((fieldName, index) => ({ name: fieldName, type: parseCqlType(udt.fieldTypes[index] ?? '', lookup) })),
      };
      resolved.set(key, definition);
      return definition;
    } finally {
      resolving.delete(key);
    }
  };
  return lookup;
}
