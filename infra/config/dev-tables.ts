import type { SinkConfig } from '../../lambdas/core/config/schema.js';
import { parseTableName } from '../../lambdas/core/config/table-name.js';
import { mappedColumns } from '../../lambdas/core/mapping/ast.js';
import { parseMapping } from '../../lambdas/core/mapping/parse.js';
import { parseCqlType } from '../../lambdas/core/cql/types.js';
import { ConfigError, showValue } from '../../lambdas/core/errors.js';
import type { DeployConfig } from './deploy-schema.js';

/**
 * The dev stack creates Keyspaces tables from `dev.tables`, so those tables
 * must be the sink's tables and hold every mapped column: checked here so that
 * a typo fails `cdk synth` rather than the first write.
 */
export function checkDevTables(deploy: DeployConfig, sink: SinkConfig): string[] {
  const tables = deploy.dev?.tables ?? {};
  const declared = Object.keys(tables);
  if (sink.connection.profile !== 'keyspaces') {
    return declared.length === 0
      ? []
      : [`dev.tables: only for the keyspaces profile; the sink config uses ${showValue(sink.connection.profile)}`];
  }
  if (deploy.dev === undefined) return [];
  const problems: string[] = [];
  if (sink.connection.region !== deploy.env.region) {
    problems.push(
      `dev: the dev stack creates the tables in env.region ${showValue(deploy.env.region)} but the sink config connects to ${showValue(sink.connection.region)}`,
    );
  }
  const sinkTables = new Map<string, Set<string>>();
  for (const topic of Object.values(sink.topics)) {
    for (const [key, table] of Object.entries(topic.tables)) {
      const columns = sinkTables.get(key) ?? new Set<string>();
      for (const { column } of mappedColumns(parseMapping(table.mapping))) columns.add(column);
      sinkTables.set(key, columns);
    }
  }
  for (const [key, mapped] of sinkTables) {
    const table = tables[key];
    if (table === undefined) {
      problems.push(`dev.tables: missing ${showValue(key)}, a table of the sink config (declare its columns and keys)`);
      continue;
    }
    for (const column of mapped) {
      if (!(column in table.columns)) problems.push(`dev.tables.${key}.columns: missing ${showValue(column)}, mapped in the sink config`);
    }
  }
  for (const [key, table] of Object.entries(tables)) {
    const at = `dev.tables.${key}`;
    if (parseTableName(key) === undefined) problems.push(`${at}: expected "keyspace.table" (got ${showValue(key)})`);
    else if (!sinkTables.has(key)) problems.push(`${at}: not a table of the sink config (${[...sinkTables.keys()].join(', ')})`);
    for (const [column, type] of Object.entries(table.columns)) {
      try {
        parseCqlType(type);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(`${at}.columns.${column}: ${error.message} (got ${showValue(type)})`);
      }
    }
    const keys = [...table.partitionKey, ...table.clusteringKey.map((clustering) => clustering.column)];
    for (const column of keys) {
      if (!(column in table.columns)) problems.push(`${at}: key column ${showValue(column)} is not in columns`);
    }
    if (new Set(keys).size !== keys.length)
      problems.push(`${at}: a column appears twice in partitionKey/clusteringKey (got ${showValue(keys)})`);
  }
  return problems;
}
