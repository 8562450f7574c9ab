import { PoisonRecordError, showValue } from '../errors.js';
import type { SchemaMetadata } from '../event/record.js';
import type { RegistrySchemas } from './confluent.js';
import type { GlueSchemas, PayloadReader } from './glue.js';
import type { SchemaFormatName } from './schema-format.js';

/*
 * An event source mapping with a schema registry and EventRecordFormat
 * SOURCE delivers the serialized record with its wire-format prefix removed
 * ("Lambda removes all schema metadata, such as the schema ID"), and names
 * the schema in keySchemaMetadata / valueSchemaMetadata.schemaId instead. A
 * record that carries that metadata is therefore read unframed, with the
 * schema the metadata names; one without it (replay re-reads raw Kafka
 * bytes, the local poller, an ESM without a registry) goes through the
 * framed decoders. Sources and open points: docs/decisions/esm-schema-registry.md.
 */

function decodeWith(read: (payload: Buffer) => unknown, bytes: Buffer, schemaId: string, what: string): unknown {
  try {
    return read(bytes);
  } catch (error) {
    if (error instanceof PoisonRecordError) throw error;
    throw new PoisonRecordError(
      `${what} does not decode with schema ${schemaId} named by the event source's ${what}SchemaMetadata (${error instanceof Error ? error.message : String(error)}): ${showValue(bytes)}`,
      { cause: error },
    );
  }
}

/**
 * A Confluent-registry format delivered as SOURCE: the schema id is the
 * metadata's schemaId. For Protobuf the first message of the schema is read
 * (whether SOURCE keeps Confluent's message indexes is not documented).
 */
export function decodeConfluentSource(
  schemas: RegistrySchemas,
  format: SchemaFormatName,
  bytes: Buffer,
  metadata: SchemaMetadata,
  what: string,
): unknown {
  const id = Number(metadata.schemaId);
  if (!Number.isSafeInteger(id)) {
    throw new PoisonRecordError(
      `${what}SchemaMetadata.schemaId ${JSON.stringify(metadata.schemaId)} is not a Confluent schema id (an integer); is the topic's format right?`,
    );
  }
  const cached = schemas.cached(format, id);
  if (cached) return decodeWith((payload) => cached.decode(payload), bytes, metadata.schemaId, what);
  return schemas.load(format, id).then((schema) => decodeWith((payload) => schema.decode(payload), bytes, metadata.schemaId, what));
}

/** Any Glue data format delivered as SOURCE: the schema version id is the metadata's schemaId. */
export function decodeGlueSource(schemas: GlueSchemas, bytes: Buffer, metadata: SchemaMetadata, what: string): unknown {
  const versionId = metadata.schemaId.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(versionId)) {
    throw new PoisonRecordError(
      `${what}SchemaMetadata.schemaId ${JSON.stringify(metadata.schemaId)} is not a Glue schema version id (a UUID); is the topic's format right?`,
    );
  }
  const run = (reader: PayloadReader): unknown => decodeWith((payload) => reader(payload, what), bytes, versionId, what);
  const cached = schemas.cached(versionId);
  if (cached) return run(cached);
  return schemas.load(versionId).then(run);
}
