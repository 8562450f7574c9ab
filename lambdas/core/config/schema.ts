import { z } from 'zod';
import { codecSettingsSchema, recordFormatSchema, usesSchemaRegistry } from '../codecs/settings.js';
import { connectionSchema, secretArnSchema, type ConnectionProfile } from './connection.js';
import { glueSchemaRegistrySchema } from './glue-registry.js';
import { checkProfileRules, resolveBatchSize, resolveTable } from './profile-rules.js';
import { tableSettingsSchema } from './table.js';
import { TABLE_NAME_RULE, parseTableName } from './table-name.js';

/**
 * Zod skips refinements once a sibling failed; these only read keys or
 * compare fields defensively, so they run anyway and one pass reports everything.
 */
const whenObject = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

const writerSchema = z
  .object({
    maxConcurrentRequests: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(128)
      .describe(
        'Most statements (or batches) in flight at once per function instance (connector: maxConcurrentRequests, default 500). ' +
          'Lower than the connector because Lambda runs many instances at once and the cluster sees instances × this; ' +
          '128 still runs a whole default-size ESM batch (100 records) concurrently.',
      ),
    maxNumberOfRecordsInBatch: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Most statements in one UNLOGGED batch; only rows of the same partition are batched (connector: maxNumberOfRecordsInBatch). ' +
          'Default 32 as the connector, 30 on keyspaces (its batch quota).',
      ),
  })
  .strict()
  .describe('Limits of the writer.');

const brakeSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Halt instead of dead-lettering when many records fail the same way (a wrong mapping, a dropped column): those records are reported back as failures, ' +
          'so the partition waits at its lowest failed offset until the cause is fixed, with a SinkHalted metric and one log line saying why. ' +
          'false dead-letters every poison record, systemic or not.',
      ),
    minRecords: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe(
        'Fewest records of one batch failing with the same signature (table, column, kind of error) for the failure to be systemic. Fewer is isolated poison, dead-lettered.',
      ),
    minShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe(
        "Least share of the batch's records for the table that must fail with one signature for the failure to be systemic (0.5: half). " +
          'Every record of a table failing (at least minRecords of them) is systemic too, whatever the signatures.',
      ),
    rememberSeconds: z
      .number()
      .int()
      .min(0)
      .default(900)
      .describe(
        'How long a function instance remembers a systemic signature: a batch with fewer than minRecords records for the table (a bisected half, a redelivered tail) ' +
          'failing the same way is held too. A batch of at least minRecords records that does not find it systemic forgets it.',
      ),
    holdSeconds: z
      .number()
      .min(0)
      .max(300)
      .default(10)
      .describe(
        "Seconds a halted invocation waits (within its deadline) before answering, so that the event source's retries, bounded by eventSource.retryAttempts, " +
          'stretch over hours rather than minutes. 0 answers at once.',
      ),
  })
  .strict()
  .describe(
    'The brake: isolated poison records go to the dead-letter queue; a systemic failure halts the partition instead of draining the topic into it.',
  );

const topicSchema = z
  .object({
    keyFormat: recordFormatSchema
      .default('string')
      .describe(
        'How record keys are decoded: JSON text, UTF-8 text, raw bytes, or avro, protobuf, json-schema in the Confluent wire format with schemaRegistry.',
      ),
    valueFormat: recordFormatSchema.default('json').describe('How record values are decoded (as keyFormat).'),
    schemaRegistry: z
      .object({
        url: z.url().describe('Base URL of the Confluent-compatible schema registry.'),
        basicAuthSecretArn: secretArnSchema.optional().describe('Secret whose JSON has `username` and `password` for the registry.'),
      })
      .strict()
      .optional()
      .describe(
        'Confluent-compatible schema registry for avro, protobuf and json-schema keys or values (Confluent wire format; schemas fetched by id and cached).',
      ),
    glueSchemaRegistry: glueSchemaRegistrySchema
      .optional()
      .describe(
        'AWS Glue Schema Registry for glue keys or values (Glue wire format: header byte 3, compression byte 0 or 5 (zlib), 16-byte schema version id). ' +
          "Schemas are fetched by version id with glue:GetSchemaVersion and cached per container. Without it, the glue format reads from the function's own region " +
          'and the stack grants glue:GetSchemaVersion on every registry of the account.',
      ),
    codec: codecSettingsSchema.prefault({}).describe('How strings and numbers become CQL temporals (connector: `topic.<t>.codec.*`).'),
    tables: z
      .record(z.string(), tableSettingsSchema)
      .superRefine((tables, ctx) => {
        const keys = Object.keys(tables);
        if (keys.length === 0) ctx.addIssue({ code: 'custom', input: tables, message: 'a topic needs at least one table' });
        for (const key of keys) {
          if (parseTableName(key) === undefined) ctx.addIssue({ code: 'custom', path: [key], input: key, message: TABLE_NAME_RULE });
        }
      }, whenObject)
      .describe('Tables this topic writes to, keyed "keyspace.table"; each record is decoded once and written to every table.'),
  })
  .strict()
  .superRefine((topic, ctx) => {
    if ((usesSchemaRegistry(topic.keyFormat) || usesSchemaRegistry(topic.valueFormat)) && topic.schemaRegistry === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['schemaRegistry'],
        input: undefined,
        message: 'required when keyFormat or valueFormat is avro, protobuf or json-schema',
      });
    }
    if (topic.glueSchemaRegistry !== undefined && topic.keyFormat !== 'glue' && topic.valueFormat !== 'glue') {
      ctx.addIssue({
        code: 'custom',
        path: ['glueSchemaRegistry'],
        input: topic.glueSchemaRegistry,
        message: 'only read when keyFormat or valueFormat is glue',
      });
    }
  }, whenObject);

export const sinkConfigSchema = z
  .object({
    connection: connectionSchema,
    writer: writerSchema.prefault({}),
    brake: brakeSchema.prefault({}),
    topics: z
      .record(z.string(), topicSchema)
      .superRefine((topics, ctx) => {
        const names = Object.keys(topics);
        if (names.length === 0) ctx.addIssue({ code: 'custom', input: topics, message: 'at least one topic is required' });
        for (const name of names) {
          if (!/^[A-Za-z0-9._-]{1,249}$/.test(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              input: name,
              message: 'not a Kafka topic name (letters, digits, ".", "_", "-", at most 249)',
            });
          }
        }
      }, whenObject)
      .describe('Kafka topics to consume, by name.'),
  })
  .strict()
  .superRefine(checkProfileRules, whenObject)
  .transform((config) => {
    const profile: ConnectionProfile = config.connection.profile;
    return {
      ...config,
      writer: { ...config.writer, maxNumberOfRecordsInBatch: resolveBatchSize(profile, config.writer.maxNumberOfRecordsInBatch) },
      topics: Object.fromEntries(
        Object.entries(config.topics).map(([name, topic]) => [
          name,
          { ...topic, tables: Object.fromEntries(Object.entries(topic.tables).map(([key, table]) => [key, resolveTable(profile, table)])) },
        ]),
      ),
    };
  })
  .describe('Configuration of kafka-cql-sink.');

/** The validated config, every default filled in. */
export type SinkConfig = z.output<typeof sinkConfigSchema>;
/** What a user writes (YAML or JSON): defaults optional. */
export type SinkConfigInput = z.input<typeof sinkConfigSchema>;
export type TopicConfig = SinkConfig['topics'][string];
export type TableConfig = TopicConfig['tables'][string];
export type WriterConfig = SinkConfig['writer'];
export type BrakeConfig = SinkConfig['brake'];
