import { isSinkError, PoisonRecordError, showValue, TransientError } from '../errors.js';
import { avroFormat } from './avro-format.js';
import type { DecodedValue } from './decoder.js';
import { jsonSchemaFormat } from './json-schema.js';
import { protobufFormat, readMessageIndexes } from './protobuf.js';
import type { CompiledSchema, SchemaFormat, SchemaFormatName } from './schema-format.js';
import type { RegisteredSchema, RegistrySchemaType, SchemaRegistry } from './schema-registry.js';

/*
 * Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian
 * int, for Protobuf the message-index array (protobuf.ts), then the payload
 * in the schema's format. Schemas are fetched once per id and shared by
 * every decoder (keys and values of all topics) of a container.
 */

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export const schemaFormats: Readonly<Record<SchemaFormatName, SchemaFormat>> = {
  avro: avroFormat,
  protobuf: protobufFormat,
  'json-schema': jsonSchemaFormat,
};

const LABELS: Readonly<Record<SchemaFormatName, string>> = { avro: 'Avro', protobuf: 'Protobuf', 'json-schema': 'JSON Schema' };
const REGISTRY_TYPES: Readonly<Record<SchemaFormatName, RegistrySchemaType>> = {
  avro: 'AVRO',
  protobuf: 'PROTOBUF',
  'json-schema': 'JSON',
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Compiled schemas of one registry, by format and id. */
export class RegistrySchemas {
  private readonly compiled = new Map<string, CompiledSchema>();
  private readonly pending = new Map<string, Promise<CompiledSchema>>();

  constructor(private readonly registry: SchemaRegistry) {}

  cached(format: SchemaFormatName, id: number): CompiledSchema | undefined {
    return this.compiled.get(`${format}:${id}`);
  }

  /** Concurrent requests for one id share one fetch; a failed fetch is not cached. */
  load(format: SchemaFormatName, id: number): Promise<CompiledSchema> {
    const key = `${format}:${id}`;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const loading = this.fetch(format, id)
      .then((schema) => {
        this.compiled.set(key, schema);
        return schema;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, loading);
    return loading;
  }

  private async fetch(format: SchemaFormatName, id: number): Promise<CompiledSchema> {
    let registered: RegisteredSchema;
    try {
      registered = this.registry.getRegisteredSchema
        ? await this.registry.getRegisteredSchema(id)
        : { text: await this.registry.getSchema(id), schemaType: 'AVRO', references: new Map() };
    } catch (error) {
      if (isSinkError(error)) throw error;
      throw new TransientError(`schema registry: fetching schema id ${id} failed: ${message(error)}`, { cause: error });
    }
    if (registered.schemaType !== REGISTRY_TYPES[format]) {
      throw new PoisonRecordError(`schema id ${id} is a ${registered.schemaType} schema, but the format configured is ${format}`);
    }
    try {
      return schemaFormats[format].compile({ text: registered.text, references: registered.references });
    } catch (error) {
      throw new PoisonRecordError(`schema id ${id} is not a usable ${LABELS[format]} schema: ${message(error)}`, { cause: error });
    }
  }
}

function decodeWith(schema: CompiledSchema, format: SchemaFormatName, id: number, bytes: Buffer, what: string): DecodedValue {
  let indexes: readonly number[] | undefined;
  let offset = HEADER_LENGTH;
  if (format === 'protobuf') {
    try {
      ({ indexes, offset } = readMessageIndexes(bytes.subarray(HEADER_LENGTH)));
      offset += HEADER_LENGTH;
    } catch (error) {
      throw new PoisonRecordError(
        `${what} has no readable Protobuf message indexes after schema id ${id} (${message(error)}): ${showValue(bytes)}`,
        { cause: error },
      );
    }
  }
  try {
    return schema.decode(bytes.subarray(offset), indexes);
  } catch (error) {
    throw new PoisonRecordError(
      `${what} does not decode with ${LABELS[format]} schema id ${id} (${message(error)}) as ${schema.describe(indexes)}: ${showValue(bytes)}`,
      { cause: error },
    );
  }
}

/** Synchronous once the schema id is cached; a Promise only on the first record of an id. */
export function createConfluentDecoder(
  schemas: RegistrySchemas,
  format: SchemaFormatName,
  what: string,
): (bytes: Buffer) => DecodedValue | Promise<DecodedValue> {
  const label = LABELS[format];
  return (bytes) => {
    if (bytes.length < HEADER_LENGTH)
      throw new PoisonRecordError(
        `${what} is too short for the Confluent ${label} wire format (${bytes.length} bytes): ${showValue(bytes)}`,
      );
    if (bytes[0] !== MAGIC_BYTE) {
      throw new PoisonRecordError(
        `${what} does not start with the Confluent wire-format magic byte 0 (found ${bytes[0] ?? '?'}): ${showValue(bytes)}`,
      );
    }
    const id = bytes.readInt32BE(1);
    const schema = schemas.cached(format, id);
    if (schema) return decodeWith(schema, format, id, bytes, what);
    return schemas.load(format, id).then((loaded) => decodeWith(loaded, format, id, bytes, what));
  };
}
