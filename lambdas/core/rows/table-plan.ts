import { types } from 'cassandra-driver';
import type { CodecSettings } from '../codecs/settings.js';
import type { TableConfig } from '../config/schema.js';
import { makeConverter, type ColumnConverter } from '../cql/convert.js';
import { isPrimaryKey, type TableModel } from '../cql/metadata.js';
import type { PreparedStatement } from '../cql/session.js';
import { counterUpdateCql, deleteCql, insertCql } from '../cql/statements.js';
import { parseCqlType, type CqlType } from '../cql/types.js';
import { ConfigError, PoisonRecordError } from '../errors.js';
import { mappedColumns, specialSource, type Mapping } from '../mapping/ast.js';
import { formatSource } from '../mapping/format.js';
import type { RowWrite, WriteShape, WriteTarget } from '../writer/row.js';
import { ABSENT, compileExtractor, type DecodedRecord, type Extractor } from './extract.js';
import { keyText } from './key-text.js';
import { kafkaWriteTime, staticTtlSeconds, timestampConverter, ttlConverter } from './write-attributes.js';

export interface TablePlanInput {
  /** "keyspace.table" as configured. */
  readonly name: string;
  readonly settings: TableConfig;
  readonly mapping: Mapping;
  readonly model: TableModel;
  readonly codec: CodecSettings;
}

/** What a table needs prepared: the upsert (INSERT, counter UPDATE or custom query) and, when deletes apply, a DELETE. */
export interface TableStatements {
  readonly upsert: string;
  readonly delete: string | undefined;
}

/**
 * Builds the statement of one record for one table, or undefined when the
 * record asks nothing of this table (a tombstone where deletesEnabled is
 * false). Throws PoisonRecordError (without the record's location).
 */
export type RowBuilder = (decoded: DecodedRecord) => RowWrite | undefined;

interface Binding {
  readonly column: string;
  readonly source: string;
  readonly extract: Extractor;
  readonly convert: ColumnConverter;
  readonly key: boolean;
}

export function tableStatements({ settings, mapping, model }: TablePlanInput): TableStatements {
  if (settings.query !== undefined) return { upsert: settings.query, delete: undefined };
  const columns = mappedColumns(mapping).map((entry) => entry.column);
  const keys = [...model.partitionKey, ...model.clustering];
  if (model.isCounter) {
    return {
      upsert: counterUpdateCql(
        model.keyspace,
        model.table,
        columns.filter((name) => !keys.includes(name)),
        keys,
      ),
      delete: undefined,
    };
  }
  const ttl = specialSource(mapping, 'ttl') !== undefined ? 'bind' : staticTtlSeconds(settings.ttl, settings.ttlTimeUnit);
  const upsert = insertCql(model.keyspace, model.table, columns, { timestamp: settings.clientTimestamps, ttl: ttl === -1 ? 'none' : ttl });
  const deleted = deletedColumns(settings, mapping, model);
  const del =
    deleted === undefined
      ? undefined
      : deleteCql(model.keyspace, model.table, keys, {
          timestamp: settings.clientTimestamps,
          columns: deleted === 'row' ? undefined : deleted,
        });
  return { upsert, delete: del };
}

/**
 * What a delete removes: the whole row when the mapping owns every column;
 * otherwise only the mapped non-key columns, so that a record never deletes
 * columns another writer owns (the connector instead disables deletes unless
 * every column is mapped). No deletes on counter tables, custom queries, or a
 * mapping of key columns only on a table that has other columns.
 *
 * Nor on a table whose columns are all primary-key columns (a set-like
 * "membership" table): a record there carries nothing but the key, so a key
 * with a null value inserts the row, as in the DataStax connector, whose
 * record mapper has "no case for delete" when the mapped columns are exactly
 * the primary key.
 */
function deletedColumns(settings: TableConfig, mapping: Mapping, model: TableModel): 'row' | string[] | undefined {
  if (!settings.deletesEnabled || settings.query !== undefined || model.isCounter) return undefined;
  const mapped = new Set(mappedColumns(mapping).map((entry) => entry.column));
  const others = [...model.columns.values()].filter((column) => !isPrimaryKey(column));
  if (others.length === 0) return undefined;
  if (others.every((column) => mapped.has(column.name))) return 'row';
  const owned = others.filter((column) => mapped.has(column.name)).map((column) => column.name);
  return owned.length > 0 ? owned : undefined;
}

/**
 * Compiles the per-record work of one table: extraction, conversion and the
 * bind values, in the order of the prepared statements. Throws ConfigError
 * when a custom query's bind variables do not match the mapping.
 */
export function buildRowBuilder(
  input: TablePlanInput,
  prepared: { upsert: PreparedStatement; delete?: PreparedStatement | undefined },
): RowBuilder {
  const { name, settings, mapping, model, codec } = input;
  const target: WriteTarget = {
    name,
    consistency: settings.consistencyLevel,
    idempotent: !model.isCounter,
    counter: model.isCounter,
    serverTimestamps: model.isCounter || !settings.clientTimestamps || settings.query !== undefined,
  };
  const binding = (column: string, type: CqlType): Binding => {
    const source = mappedColumns(mapping).find((entry) => entry.column === column)?.source;
    if (source === undefined) throw new ConfigError(`bind :${column} of the query is not mapped`);
    const extract = compileExtractor(source, {
      headerBytes: type.kind === 'blob',
      now: type.kind === 'timestamp' ? 'timestamp' : 'timeuuid',
    });
    const column_ = model.columns.get(column);
    return {
      column,
      source: formatSource(source),
      extract,
      convert: makeConverter(type, codec),
      key: column_ !== undefined && isPrimaryKey(column_),
    };
  };
  if (settings.query !== undefined) {
    const bindings = prepared.upsert.variables.map((variable) =>
      binding(variable.name, model.columns.get(variable.name)?.type ?? parseCqlType(variable.type, model.udtLookup)),
    );
    return customQueryBuilder(target, prepared.upsert, bindings, settings, model);
  }
  const bindings = mappedColumns(mapping).map(({ column }) => binding(column, model.columns.get(column)?.type ?? { kind: 'blob' }));
  return tableRowBuilder(input, target, prepared, bindings);
}

function tableRowBuilder(
  input: TablePlanInput,
  target: WriteTarget,
  prepared: { upsert: PreparedStatement; delete?: PreparedStatement | undefined },
  bindings: Binding[],
): RowBuilder {
  const { settings, mapping, model } = input;
  const count = bindings.length;
  const indexOf = (column: string): number => bindings.findIndex((b) => b.column === column);
  const partitionAt = model.partitionKey.map(indexOf);
  const clusteringAt = model.clustering.map(indexOf);
  const keyAt = [...partitionAt, ...clusteringAt];
  const nonKeyAt = bindings.flatMap((b, index) => (b.key ? [] : [index]));
  const ttlSource = specialSource(mapping, 'ttl');
  const tsSource = specialSource(mapping, 'timestamp');
  const extractTtl = ttlSource && compileExtractor(ttlSource, { headerBytes: false, now: 'timeuuid' });
  const extractTs = tsSource && compileExtractor(tsSource, { headerBytes: false, now: 'timeuuid' });
  const toTtl = ttlConverter(settings.ttlTimeUnit);
  const toTs = timestampConverter(settings.timestampTimeUnit);
  const fallbackTtl = staticTtlSeconds(settings.ttl, settings.ttlTimeUnit);
  const clientTs = settings.clientTimestamps && !model.isCounter;
  const deleteStatement = prepared.delete;
  const deleteShape: WriteShape = deletedColumns(settings, mapping, model) === 'row' ? { kind: 'delete-row' } : { kind: 'delete-columns' };
  const insertShape: WriteShape = { kind: 'insert', columns: count };
  const readsValue = bindings.some((b) => b.source.startsWith('value'));
  // Reused across records: the builder runs synchronously, one record at a time.
  const raw: unknown[] = new Array<unknown>(count);

  // Whether the last writeTime() came from the Kafka timestamp (set by writeTime; builders run one record at a time).
  let fromKafka = false;
  const writeTime = (decoded: DecodedRecord): unknown => {
    if (extractTs) {
      const value = extractTs(decoded);
      if (value !== ABSENT && value !== null && value !== undefined) {
        fromKafka = false;
        return toTs(value);
      }
    }
    fromKafka = true;
    return kafkaWriteTime(decoded.record.timestamp);
  };
  const keyValue = (index: number): unknown => {
    const b = bindings[index] as Binding;
    const value = raw[index];
    if (value === ABSENT || value === null || value === undefined) {
      throw new PoisonRecordError(
        `column "${b.column}" (primary key) from ${b.source} is ${value === ABSENT ? 'missing from the record' : 'null'}`,
      );
    }
    return b.convert(value, b);
  };
  const identity = (values: readonly unknown[], positions: readonly number[]): string =>
    positions.length === 1
      ? keyText(values[positions[0] ?? 0])
      : positions.length === 0
        ? ''
        : positions.map((at) => keyText(values[at])).join('\u0000');

  return (decoded) => {
    for (let index = 0; index < count; index++) raw[index] = (bindings[index] as Binding).extract(decoded);
    const tombstone = decoded.value === null;
    if (
      deleteStatement !== undefined &&
      (tombstone || (nonKeyAt.length > 0 && nonKeyAt.every((at) => raw[at] === null || raw[at] === ABSENT)))
    ) {
      const offset = clientTs ? 1 : 0;
      const values = new Array<unknown>(offset + keyAt.length);
      if (clientTs) values[0] = writeTime(decoded);
      for (let k = 0; k < keyAt.length; k++) values[offset + k] = keyValue(keyAt[k] ?? 0);
      const keys = values.slice(offset);
      const partition = identity(
        keys,
        partitionAt.map((_, i) => i),
      );
      const row = identity(
        keys,
        clusteringAt.map((_, i) => partitionAt.length + i),
      );
      if (!clientTs) return { target, statement: deleteStatement, values, partition, row };
      return { target, statement: deleteStatement, values, partition, row, timestampAt: 0, kafkaTimestamp: fromKafka, shape: deleteShape };
    }
    // deletesEnabled: false says deletes in Kafka are not deletes here (history
    // tables, say): the tombstone leaves this table alone instead of failing.
    if (tombstone && !settings.deletesEnabled) return undefined;
    if (tombstone && readsValue) {
      throw new PoisonRecordError(
        `the record is a tombstone (null value) but ${deletesOffReason(settings, model, deleteStatement !== undefined)}, and the mapping reads the value`,
      );
    }
    if (model.isCounter) return counterRow(decoded);
    const values = new Array<unknown>(count + (clientTs ? 1 : 0) + (extractTtl ? 1 : 0));
    for (let index = 0; index < count; index++) values[index] = bindings[index]?.key ? keyValue(index) : regularValue(index);
    let next = count;
    if (clientTs) values[next++] = writeTime(decoded);
    if (extractTtl) {
      const ttl = extractTtl(decoded);
      values[next] = ttl === ABSENT || ttl === null || ttl === undefined ? (fallbackTtl >= 0 ? fallbackTtl : types.unset) : toTtl(ttl);
    }
    const partition = identity(values, partitionAt);
    const row = identity(values, clusteringAt);
    if (!clientTs) return { target, statement: prepared.upsert, values, partition, row };
    return {
      target,
      statement: prepared.upsert,
      values,
      partition,
      row,
      timestampAt: count,
      kafkaTimestamp: fromKafka,
      shape: insertShape,
    };
  };

  function regularValue(index: number): unknown {
    const b = bindings[index] as Binding;
    const value = raw[index];
    if (value === ABSENT) {
      if (settings.nullToUnset) return types.unset;
      throw new PoisonRecordError(
        `column "${b.column}": ${b.source} is missing from the record (nullToUnset is false, so an absent field is an error, as in the connector)`,
      );
    }
    if (value === null || value === undefined) return settings.nullToUnset ? types.unset : null;
    return b.convert(value, b);
  }

  function counterRow(_decoded: DecodedRecord): RowWrite {
    const values = new Array<unknown>(count);
    let next = 0;
    for (const at of nonKeyAt) values[next++] = regularValue(at);
    const start = next;
    for (const at of keyAt) values[next++] = keyValue(at);
    const keys = values.slice(start);
    return {
      target,
      statement: prepared.upsert,
      values,
      partition: identity(
        keys,
        partitionAt.map((_, i) => i),
      ),
      row: identity(
        keys,
        clusteringAt.map((_, i) => partitionAt.length + i),
      ),
    };
  }
}

function deletesOffReason(settings: TableConfig, model: TableModel, available: boolean): string {
  if (available) return 'the delete could not be built';
  if (!settings.deletesEnabled) return 'deletesEnabled is false';
  if (settings.query !== undefined) return 'deletes cannot be derived from a custom query';
  if (model.isCounter) return 'counter tables take no deletes';
  if ([...model.columns.values()].every(isPrimaryKey))
    return 'the table has only primary-key columns, so a record inserts its row and never deletes it (as in the connector)';
  return 'the mapping maps only primary key columns of a table that has others, so a delete would remove columns it does not own';
}

/** Custom queries bind by name; rows are grouped by the table's partition key when the mapping has it all. */
function customQueryBuilder(
  target: WriteTarget,
  statement: PreparedStatement,
  bindings: Binding[],
  settings: TableConfig,
  model: TableModel,
): RowBuilder {
  const count = bindings.length;
  const partitionAt = model.partitionKey.map((name) => bindings.findIndex((b) => b.column === name));
  const rowAt = [...model.clustering.map((name) => bindings.findIndex((b) => b.column === name))];
  const grouped = partitionAt.every((at) => at >= 0) && rowAt.every((at) => at >= 0);
  return (decoded) => {
    const values = new Array<unknown>(count);
    for (let index = 0; index < count; index++) {
      const b = bindings[index] as Binding;
      const value = b.extract(decoded);
      if (value === ABSENT) {
        if (!settings.nullToUnset)
          throw new PoisonRecordError(`bind :${b.column}: ${b.source} is missing from the record (nullToUnset is false)`);
        values[index] = types.unset;
      } else if (value === null || value === undefined) {
        values[index] = settings.nullToUnset ? types.unset : null;
      } else {
        values[index] = b.convert(value, b);
      }
    }
    // Without the whole key, each row is its own group: nothing is batched, and nothing is ordered either.
    const partition = grouped
      ? partitionAt.map((at) => keyText(values[at])).join('\u0000')
      : `${decoded.record.partition}@${decoded.record.offset}`;
    const row = grouped ? rowAt.map((at) => keyText(values[at])).join('\u0000') : '';
    return { target, statement, values, partition, row };
  };
}
