import { createAvroSchemas, createDecoder, type Decoder } from '../codecs/decoder.js';
import type { AvroSchemas } from '../codecs/avro.js';
import { GlueSchemas, type GlueSchemasOptions } from '../codecs/glue.js';
import type { GlueSchemaRegistry } from '../codecs/glue-registry.js';
import { usesSchemaRegistry } from '../codecs/settings.js';
import type { SchemaRegistry } from '../codecs/schema-registry.js';
import type { SinkConfig, TopicConfig } from '../config/schema.js';
import { parseTableName } from '../config/table-name.js';
import { buildTableModel, type TableModel } from '../cql/metadata.js';
import { isMissingTable, type CqlSession, type PreparedStatement } from '../cql/session.js';
import { ConfigError, isSinkError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import { mappedColumns, specialSource, type Mapping } from '../mapping/ast.js';
import { parseMapping } from '../mapping/parse.js';
import type { RecordOutcome } from '../outcome.js';
import { createWriter, type WriteCallOptions } from '../writer/write.js';
import { createRecordMapper, type TopicMapping } from '../rows/record-mapper.js';
import { checkTable } from '../rows/table-check.js';
import { buildRowBuilder, tableStatements, type TablePlanInput, type TableStatements } from '../rows/table-plan.js';

export interface SinkEngineOptions {
  readonly config: SinkConfig;
  readonly session: CqlSession;
  /** For avro topics: one registry for all, or one per topic. */
  readonly schemaRegistry?: SchemaRegistry | ((topic: string) => SchemaRegistry | undefined);
  /** For glue topics: one Glue registry client for all, or one per topic; plus extra data-format compilers (Protobuf). */
  readonly glueRegistry?: GlueSchemaRegistry | ((topic: string) => GlueSchemaRegistry | undefined);
  readonly glueSchemas?: GlueSchemasOptions;
}

export type ProcessOptions = WriteCallOptions;

export interface SinkEngine {
  /** One outcome per record, in the order given. Never rejects for a record's sake. */
  process(records: readonly KafkaRecord[], options?: ProcessOptions): Promise<RecordOutcome[]>;
  /** "keyspace.table" of every target table, for metrics. */
  readonly tables: readonly string[];
  /**
   * Reads the live schema again, re-checks every mapping and prepares again:
   * undefined once the new plan is in place, or the ConfigError that says
   * which mapping no longer fits which table (the old plan then stays).
   */
  readonly refresh?: () => Promise<ConfigError | undefined>;
}

interface PlannedTable {
  readonly topic: string;
  readonly input: TablePlanInput;
  readonly statements: TableStatements;
}

/**
 * Reads the live schema of every target table, checks every mapping against
 * it, prepares every statement, and compiles the per-topic record mappers.
 * Throws one ConfigError listing every problem of every table; a
 * TransientError when the cluster cannot be reached (init may be retried).
 */
export async function createSinkEngine({
  config,
  session,
  schemaRegistry,
  glueRegistry,
  glueSchemas,
}: SinkEngineOptions): Promise<SinkEngine> {
  const problems: string[] = [];
  const models = await readModels(config, session, problems);
  const planned: PlannedTable[] = [];
  for (const [topic, topicConfig] of Object.entries(config.topics)) {
    for (const [key, settings] of Object.entries(topicConfig.tables)) {
      const model = models.get(key);
      if (model === undefined) continue;
      const at = `topics.${topic}.tables.${key}`;
      const mapping = parseMapping(settings.mapping);
      const found = checkTable({ settings, mapping, model, keyFormat: topicConfig.keyFormat, valueFormat: topicConfig.valueFormat });
      problems.push(...found.map((problem) => `${at}: ${problem}`));
      if (found.length > 0) continue;
      const input: TablePlanInput = { name: key, settings, mapping, model, codec: topicConfig.codec };
      planned.push({ topic, input, statements: tableStatements(input) });
    }
  }

  const prepared = await prepareAll(session, planned, problems);
  const builders = new Map<string, { name: string; build: ReturnType<typeof buildRowBuilder> }[]>();
  for (const table of planned) {
    const upsert = prepared.get(table.statements.upsert);
    const del = table.statements.delete === undefined ? undefined : prepared.get(table.statements.delete);
    if (upsert === undefined || (table.statements.delete !== undefined && del === undefined)) continue;
    try {
      const build = buildRowBuilder(table.input, { upsert, delete: del });
      let list = builders.get(table.topic);
      if (list === undefined) builders.set(table.topic, (list = []));
      list.push({ name: table.input.name, build });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `topics.${table.topic}.tables.${table.input.name}: ${problem}`));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const topics = new Map<string, TopicMapping>();
  const avro = avroSchemasFor(schemaRegistry);
  const glue = glueSchemasFor(glueRegistry, glueSchemas);
  for (const [topic, topicConfig] of Object.entries(config.topics)) {
    const mappings = Object.values(topicConfig.tables).map((table) => parseMapping(table.mapping));
    topics.set(topic, {
      decodeKey: reads(mappings, 'key') ? decoder(topic, topicConfig, 'key', avro, glue) : undefined,
      decodeValue: reads(mappings, 'value') ? decoder(topic, topicConfig, 'value', avro, glue) : undefined,
      tables: builders.get(topic) ?? [],
    });
  }
  const writer = createWriter({
    session,
    mapper: createRecordMapper(topics),
    maxConcurrentRequests: config.writer.maxConcurrentRequests,
    maxNumberOfRecordsInBatch: config.writer.maxNumberOfRecordsInBatch,
  });
  return {
    tables: [...new Set(planned.map((table) => table.input.name))],
    process: (records, options) => writer.writeRecords(records, options),
  };
}

/**
 * An engine that can re-plan without a restart when a table changes under it
 * (a column dropped or re-added with another type, a table re-created): the
 * same checks as at init, at most once per `minIntervalMs` (a halted
 * partition retries often); a failed refresh keeps answering its ConfigError
 * until the interval has passed.
 */
export async function createRefreshingEngine(
  options: SinkEngineOptions,
  minIntervalMs = 5_000,
  now: () => number = Date.now,
): Promise<SinkEngine> {
  let current = await createSinkEngine(options);
  let last: { at: number; result: Promise<ConfigError | undefined> } | undefined;
  const refresh = (): Promise<ConfigError | undefined> => {
    if (last !== undefined && now() - last.at < minIntervalMs) return last.result;
    const result = createSinkEngine(options).then(
      (engine) => {
        current = engine;
        return undefined;
      },
      (error: unknown) => {
        if (error instanceof ConfigError) return error;
        throw error;
      },
    );
    last = { at: now(), result };
    // A transient failure (the cluster unreachable) is not remembered: the next call tries again.
    result.catch(() => (last = undefined));
    return result;
  };
  return {
    get tables() {
      return current.tables;
    },
    process: (records, processOptions) => current.process(records, processOptions),
    refresh,
  };
}

/** Each distinct table is read once, whatever the number of topics feeding it. */
async function readModels(config: SinkConfig, session: CqlSession, problems: string[]): Promise<Map<string, TableModel>> {
  const keys = new Set(Object.values(config.topics).flatMap((topic) => Object.keys(topic.tables)));
  const models = new Map<string, TableModel>();
  await Promise.all(
    [...keys].map(async (key) => {
      const name = parseTableName(key);
      if (name === undefined) return; // rejected by the config schema already
      const schema = await session.readTable(name.keyspace, name.table);
      if (isMissingTable(schema)) {
        problems.push(
          `${key}: ${schema.missing === 'keyspace' ? `keyspace "${name.keyspace}" does not exist` : `table "${name.table}" does not exist in keyspace "${name.keyspace}"`}`,
        );
        return;
      }
      try {
        models.set(key, buildTableModel(schema));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems.map((problem) => `${key}: ${problem}`));
      }
    }),
  );
  return models;
}

/** Prepares each distinct statement once; a statement the server refuses is a config problem. */
async function prepareAll(
  session: CqlSession,
  planned: readonly PlannedTable[],
  problems: string[],
): Promise<Map<string, PreparedStatement>> {
  const texts = new Set(
    planned.flatMap((table) => [table.statements.upsert, ...(table.statements.delete === undefined ? [] : [table.statements.delete])]),
  );
  const prepared = new Map<string, PreparedStatement>();
  await Promise.all(
    [...texts].map(async (cql) => {
      try {
        prepared.set(cql, await session.prepare(cql));
      } catch (error) {
        if (!(isSinkError(error) && error.kind === 'config')) throw error;
        const owners = planned.filter((table) => table.statements.upsert === cql || table.statements.delete === cql);
        for (const owner of owners)
          problems.push(`topics.${owner.topic}.tables.${owner.input.name}: cannot prepare ${cql}: ${error.message}`);
      }
    }),
  );
  return prepared;
}

function reads(mappings: readonly Mapping[], kind: 'key' | 'value'): boolean {
  return mappings.some(
    (mapping) =>
      mappedColumns(mapping).some((entry) => entry.source.kind === kind) ||
      specialSource(mapping, 'ttl')?.kind === kind ||
      specialSource(mapping, 'timestamp')?.kind === kind,
  );
}

function avroSchemasFor(registry: SinkEngineOptions['schemaRegistry']): (topic: string) => AvroSchemas | undefined {
  const byRegistry = new Map<SchemaRegistry, AvroSchemas>();
  return (topic) => {
    const found = typeof registry === 'function' ? registry(topic) : registry;
    if (found === undefined) return undefined;
    let schemas = byRegistry.get(found);
    if (schemas === undefined) byRegistry.set(found, (schemas = createAvroSchemas(found)));
    return schemas;
  };
}

function glueSchemasFor(
  registry: SinkEngineOptions['glueRegistry'],
  options: GlueSchemasOptions | undefined,
): (topic: string) => GlueSchemas | undefined {
  const byRegistry = new Map<GlueSchemaRegistry, GlueSchemas>();
  return (topic) => {
    const found = typeof registry === 'function' ? registry(topic) : registry;
    if (found === undefined) return undefined;
    let schemas = byRegistry.get(found);
    if (schemas === undefined) byRegistry.set(found, (schemas = new GlueSchemas(found, options)));
    return schemas;
  };
}

function decoder(
  topic: string,
  config: TopicConfig,
  what: 'key' | 'value',
  avro: (topic: string) => AvroSchemas | undefined,
  glue: (topic: string) => GlueSchemas | undefined,
): Decoder {
  const format = what === 'key' ? config.keyFormat : config.valueFormat;
  if (format === 'glue') {
    const glueSchemas = glue(topic);
    if (glueSchemas === undefined)
      throw new ConfigError(`topics.${topic}: ${what}Format is glue but no Glue schema registry was given to the engine`);
    return createDecoder(format, { what, glueSchemas });
  }
  if (!usesSchemaRegistry(format)) return createDecoder(format, { what });
  const avroSchemas = avro(topic);
  if (avroSchemas === undefined)
    throw new ConfigError(`topics.${topic}: ${what}Format is ${format} but no schema registry was given to the engine`);
  return createDecoder(format, { what, avroSchemas });
}
