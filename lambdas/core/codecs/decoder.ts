import { createConfluentDecoder, RegistrySchemas } from './confluent.js';
import { decodeConfluentSource, decodeGlueSource } from './esm-source.js';
import { createGlueDecoder, type GlueSchemas } from './glue.js';
import type { SchemaMetadata } from '../event/record.js';
import { parseJson } from './json.js';
import type { SchemaRegistry } from './schema-registry.js';
import { usesSchemaRegistry, type RecordFormat } from './settings.js';

/** Any value a decoder yields: JSON values, bigint, Buffer, Date, driver values from Avro logical types. */
export type DecodedValue = string | number | boolean | bigint | object | null;

/**
 * Decodes a record key or value. json, string and bytes are synchronous;
 * avro, protobuf and json-schema return a Promise only while its schema id is being fetched, so
 * callers `await` only when they get a Promise. A null (absent key,
 * tombstone value) decodes to null. `schema` is the record's key/value
 * schema metadata from an event source mapping with a schema registry: the
 * registry formats then read the unframed SOURCE bytes with the schema it names.
 */
export type Decoder = (bytes: Buffer | null, schema?: SchemaMetadata) => DecodedValue | Promise<DecodedValue>;

export interface DecoderOptions {
  /** What is decoded, for error messages: "key", "value". */
  readonly what?: string;
  /** Required for avro, protobuf and json-schema: one instance per registry and container, shared by all decoders. */
  readonly registrySchemas?: RegistrySchemas;
  /** The same as registrySchemas (its name from when Avro was the only registry format). */
  readonly avroSchemas?: RegistrySchemas;
  /** Required for glue: one instance per container and registry, shared by all decoders. */
  readonly glueSchemas?: GlueSchemas;
}

/*
 * An event source mapping with a schema registry and EventRecordFormat JSON
 * has already decoded Avro/Protobuf/JSON Schema records: the record carries
 * `valueSchemaMetadata`/`keySchemaMetadata` and its value is base64 of JSON
 * text. Such a topic is configured with format `json`, which reads it like
 * any JSON record.
 */
export function createDecoder(format: RecordFormat, options: DecoderOptions = {}): Decoder {
  const what = options.what ?? 'value';
  switch (format) {
    case 'json':
      return (bytes) => (bytes === null ? null : (parseJson(bytes.toString('utf8'), what) as DecodedValue));
    case 'string':
      return (bytes) => (bytes === null ? null : bytes.toString('utf8'));
    case 'bytes':
      return (bytes) => bytes;
    case 'avro':
    case 'protobuf':
    case 'json-schema': {
      const schemas = options.registrySchemas ?? options.avroSchemas;
      if (!schemas || !usesSchemaRegistry(format)) throw new Error(`createDecoder: the ${format} format needs registrySchemas`);
      const decode = createConfluentDecoder(schemas, format, what);
      return (bytes, schema) =>
        bytes === null
          ? null
          : schema === undefined
            ? decode(bytes)
            : (decodeConfluentSource(schemas, format, bytes, schema, what) as DecodedValue | Promise<DecodedValue>);
    }
    case 'glue': {
      if (!options.glueSchemas) throw new Error('createDecoder: the glue format needs glueSchemas');
      const schemas = options.glueSchemas;
      const decode = createGlueDecoder(schemas, what);
      return (bytes, schema) =>
        bytes === null
          ? null
          : ((schema === undefined ? decode(bytes) : decodeGlueSource(schemas, bytes, schema, what)) as
              DecodedValue | Promise<DecodedValue>);
    }
  }
}

/** One per registry and container: it caches every compiled schema by id. */
export function createRegistrySchemas(registry: SchemaRegistry): RegistrySchemas {
  return new RegistrySchemas(registry);
}

/** The same as createRegistrySchemas. */
export const createAvroSchemas = createRegistrySchemas;

export type HeaderFormat = 'string' | 'bytes';

/** Kafka header values are bytes; mappings read them as UTF-8 text or as raw bytes. */
export function createHeaderDecoder(format: HeaderFormat): (bytes: Buffer | null) => string | Buffer | null {
  return format === 'string' ? (bytes) => (bytes === null ? null : bytes.toString('utf8')) : (bytes) => bytes;
}
