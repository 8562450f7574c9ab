import type { RecordFormat } from '../codecs/settings.js';
import type { TableConfig } from '../config/schema.js';
import type { TableModel } from '../cql/metadata.js';
import { formatCqlType, type CqlType } from '../cql/types.js';
import { showValue } from '../errors.js';
import { mappedColumns, specialSource, type Mapping, type MappingSource } from '../mapping/ast.js';
import { formatSource } from '../mapping/format.js';

export interface TableCheckInput {
  readonly settings: TableConfig;
  readonly mapping: Mapping;
  readonly model: TableModel;
  readonly keyFormat: RecordFormat;
  readonly valueFormat: RecordFormat;
}

/**
 * Everything wrong between a table's mapping and the live table, as short
 * sentences (the caller prefixes where). Checked once at start so that no
 * record is ever dead-lettered for a mistake in the config.
 */
export function checkTable({ settings, mapping, model, keyFormat, valueFormat }: TableCheckInput): string[] {
  const problems: string[] = [];
  const columns = mappedColumns(mapping);
  const mapped = new Set(columns.map((entry) => entry.column));
  const custom = settings.query !== undefined;

  if (!custom) {
    const unknown = columns.filter((entry) => !model.columns.has(entry.column)).map((entry) => showValue(entry.column));
    if (unknown.length > 0) {
      problems.push(
        `mapping: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a column' : 'are not columns'} of ${tableText(model)} (its columns: ${[...model.columns.keys()].join(', ')})`,
      );
    }
    const unmappedKeys = [...model.partitionKey, ...model.clustering].filter((name) => !mapped.has(name));
    if (unmappedKeys.length > 0) {
      problems.push(
        `mapping: primary key ${unmappedKeys.length === 1 ? 'column' : 'columns'} ${unmappedKeys.map((name) => showValue(name)).join(', ')} must be mapped`,
      );
    }
  }

  if (model.isCounter && !custom) {
    if (specialSource(mapping, 'ttl') !== undefined || settings.ttl !== -1)
      problems.push(`${tableText(model)} is a counter table: counters take no TTL (remove ttl / __ttl)`);
    if (specialSource(mapping, 'timestamp') !== undefined)
      problems.push(`${tableText(model)} is a counter table: counters take no write time (remove __timestamp)`);
  }

  for (const { column, source } of columns) {
    const type = model.columns.get(column)?.type;
    if (type === undefined) continue;
    const problem = sourceProblem(source, type, keyFormat, valueFormat);
    if (problem !== undefined) problems.push(`mapping: ${showValue(column)}=${formatSource(source)}: ${problem}`);
  }
  for (const target of ['ttl', 'timestamp'] as const) {
    const source = specialSource(mapping, target);
    if (source === undefined) continue;
    const problem = formatProblem(source, keyFormat, valueFormat);
    if (problem !== undefined) problems.push(`mapping: __${target}=${formatSource(source)}: ${problem}`);
  }
  return problems;
}

function tableText(model: TableModel): string {
  return `${model.keyspace}.${model.table}`;
}

const BYTES_TARGETS: ReadonlySet<string> = new Set(['blob', 'text', 'varchar', 'ascii']);

function sourceProblem(source: MappingSource, type: CqlType, keyFormat: RecordFormat, valueFormat: RecordFormat): string | undefined {
  const typeText = formatCqlType(type);
  switch (source.kind) {
    case 'function':
      return type.kind === 'timeuuid' || type.kind === 'uuid' || type.kind === 'timestamp'
        ? undefined
        : `now() gives a timeuuid (or a timestamp), not ${typeText}`;
    case 'header':
      return type.kind === 'counter' ? 'a header cannot feed a counter: an increment must come from the record key or value' : undefined;
    case 'key':
    case 'value': {
      const problem = formatProblem(source, keyFormat, valueFormat);
      if (problem !== undefined) return problem;
      const format = source.kind === 'key' ? keyFormat : valueFormat;
      if (format === 'bytes' && !BYTES_TARGETS.has(type.kind))
        return `the ${source.kind} is raw bytes (${source.kind}Format bytes), which cannot become ${typeText}`;
      return undefined;
    }
  }
}

function formatProblem(source: MappingSource, keyFormat: RecordFormat, valueFormat: RecordFormat): string | undefined {
  if (source.kind !== 'key' && source.kind !== 'value') return undefined;
  const format = source.kind === 'key' ? keyFormat : valueFormat;
  if (source.path.length > 0 && (format === 'string' || format === 'bytes')) {
    return `${source.kind}Format is ${format}, which has no fields; use ${source.kind} alone or a json/avro format`;
  }
  return undefined;
}
