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
      .describe('Pattern or preset for strings to CQL timestamp: CQL_TIMESTAMP, ISO_ZONED_DATE_TIME, ISO_INSTANT, ISO_LOCAL_DATE_TIME or a pattern (connector: codec.timestamp).'),
    date: z.string().default('ISO_LOCAL_DATE').describe('Pattern or preset for strings to CQL date (connector: codec.date).'),
    time: z.string().default('ISO_LOCAL_TIME').describe('Pattern or preset for strings to CQL time (connector: codec.time).'),
    unit: z
      .enum(['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'])
      .default('MILLISECONDS')
      .describe('Unit of numbers converted to temporals, counted from the Unix epoch (connector: codec.unit).'),
  })
  .strict();

export type CodecSettings = z.output<typeof codecSettingsSchema>;

/** Record key/value formats. `glue`: the AWS Glue Schema Registry wire format, whatever data format (Avro, JSON Schema, Protobuf) its schema version has. */
export const recordFormatSchema = z.enum(['json', 'string', 'bytes', 'avro', 'glue']);
export type RecordFormat = z.output<typeof recordFormatSchema>;
