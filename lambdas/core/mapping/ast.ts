/**
 * The parsed form of a table's `mapping` setting. Column names are CQL
 * internal names (unquoted identifiers already lower-cased, quoted ones as
 * written); record field names are case-sensitive, as in the record itself.
 */

/** Where a mapped value comes from. `path: []` is the whole key or value. */
export type MappingSource =
  | { readonly kind: 'key' | 'value'; readonly path: readonly string[] }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'function'; readonly name: 'now' };

/**
 * One `target=source` pair. `__ttl` and `__timestamp` (unquoted) are not
 * columns: they set the row's TTL and write time, so they get their own targets.
 */
export type MappingEntry =
  | { readonly target: 'column'; readonly column: string; readonly source: MappingSource }
  | { readonly target: 'ttl' | 'timestamp'; readonly source: MappingSource };

export type Mapping = readonly MappingEntry[];

/** The column entries only: what the statement binds. */
export function mappedColumns(mapping: Mapping): { readonly column: string; readonly source: MappingSource }[] {
  return mapping.flatMap((entry) => (entry.target === 'column' ? [{ column: entry.column, source: entry.source }] : []));
}

export function specialSource(mapping: Mapping, target: 'ttl' | 'timestamp'): MappingSource | undefined {
  return mapping.find((entry) => entry.target === target)?.source;
}
