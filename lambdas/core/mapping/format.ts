import type { Mapping, MappingEntry, MappingSource } from './ast.js';

const BARE_COLUMN = /^[a-z0-9_]+$/;
const BARE_FIELD = /^[A-Za-z0-9_]+$/;
const BARE_HEADER = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

/** Prints the canonical mapping string: parseMapping(formatMapping(m)) equals m. */
export function formatMapping(mapping: Mapping): string {
  return mapping.map((entry) => `${formatTarget(entry)}=${formatSource(entry.source)}`).join(', ');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function formatTarget(entry: MappingEntry): string {
  if (entry.target !== 'column') return `__${entry.target}`;
  const { column } = entry;
  // An unquoted __ttl would be read back as the TTL target, not as a column.
  return BARE_COLUMN.test(column) && column !== '__ttl' && column !== '__timestamp' ? column : quoteIdentifier(column);
}

export function formatSource(source: MappingSource): string {
  switch (source.kind) {
    case 'function':
      return 'now()';
    case 'header':
      return `header.${BARE_HEADER.test(source.name) ? source.name : quoteIdentifier(source.name)}`;
    case 'key':
    case 'value':
      return [source.kind, ...source.path.map((field) => (BARE_FIELD.test(field) ? field : quoteIdentifier(field)))].join('.');
  }
}
