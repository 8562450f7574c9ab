import { z } from 'zod';

/**
 * Per-topic codec settings, as in the DataStax connector (`topic.<t>.codec.*`),
 * which take them from DSBulk's codec framework. They govern how strings and
 * numbers in a record become CQL temporals.
 */
export const codecSettingsSchema = z
  .object({
    locale: z.string().default('en_US').describe('Locale for parsing numbers and temporals (connector: codec.locale).'),
    timeZone: z.string().default('UTC').describe('Time zone for temporals without an explicit zone (connector: codec.timeZone).'),
    timestamp: z
      .string()
      .default('CQL_TIMESTAMP')
      .describe(
        'Pattern or preset for strings to CQL timestamp: CQL_TIMESTAMP, ISO_ZONED_DATE_TIME, ISO_INSTANT, ISO_LOCAL_DATE_TIME or a pattern (connector: codec.timestamp).',
      ),
    date: z.string().default('ISO_LOCAL_DATE').describe('Pattern or preset for strings to CQL date (connector: codec.date).'),
    time: z.string().default('ISO_LOCAL_TIME').describe('Pattern or preset for strings to CQL time (connector: codec.time).'),
    unit: z
      .enum(['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'])
      .default('MILLISECONDS')
      .describe('Unit of numbers converted to temporals, counted from the Unix epoch (connector: codec.unit).'),
  })
  .strict();

export type CodecSettings = z.output<typeof codecSettingsSchema>;

/**
 * Record key/value formats. avro, protobuf and json-schema are in the
 * Confluent wire format, their schemas read from the topic's schemaRegistry;
 * glue is the AWS Glue Schema Registry wire format, whatever data format
 * (Avro, JSON Schema, Protobuf) its schema version has.
 */
export const recordFormatSchema = z
  .enum(['json', 'string', 'bytes', 'avro', 'protobuf', 'json-schema', 'glue'])
  .describe(
    'json: JSON text; string: UTF-8 text; bytes: raw bytes; avro, protobuf, json-schema: Confluent wire format (magic byte 0, 4-byte schema id, ' +
      'for Protobuf the message indexes) with the schema fetched by id from schemaRegistry; ' +
      'glue: AWS Glue Schema Registry wire format (header byte 3, compression byte 0 or 5 (zlib), 16-byte schema version id), any of its data formats, the schema fetched by version id.',
  );
export type RecordFormat = z.output<typeof recordFormatSchema>;

export type RegistryFormat = Extract<RecordFormat, 'avro' | 'protobuf' | 'json-schema'>;

/** Formats whose schema comes from a schema registry. */
export function usesSchemaRegistry(format: RecordFormat): format is RegistryFormat {
  return format === 'avro' || format === 'protobuf' || format === 'json-schema';
}
