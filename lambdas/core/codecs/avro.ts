import avsc, { type Type } from 'avsc';
import { isSinkError, PoisonRecordError, showValue, TransientError } from '../errors.js';
import { avroLogicalTypes } from './avro-logical.js';
import type { SchemaRegistry } from './schema-registry.js';

/*
 * Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian
 * int, then the Avro binary payload. Schemas are fetched once per id and
 * shared by every decoder (keys and values of all topics) of a container.
 */

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export class AvroSchemas {
  private readonly types = new Map<number, Type>();
  private readonly pending = new Map<number, Promise<Type>>();

  constructor(private readonly registry: SchemaRegistry) {}

  cached(id: number): Type | undefined {
    return this.types.get(id);
  }

  /** Concurrent requests for one id share one fetch; a failed fetch is not cached. */
  load(id: number): Promise<Type> {
    const inFlight = this.pending.get(id);
    if (inFlight) return inFlight;
    const loading = this.fetch(id).finally(() => this.pending.delete(id));
    this.pending.set(id, loading);
    return loading;
  }

  private async fetch(id: number): Promise<Type> {
    let text: string;
    try {
      text = await this.registry.getSchema(id);
    } catch (error) {
      if (isSinkError(error)) throw error;
      throw new TransientError(`schema registry: fetching schema id ${id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    let type: Type;
    try {
      type = avsc.Type.forSchema(JSON.parse(text) as avsc.Schema, { logicalTypes: avroLogicalTypes, wrapUnions: 'auto' });
    } catch (error) {
      throw new PoisonRecordError(`schema id ${id} is not a usable Avro schema: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.types.set(id, type);
    return type;
  }
}

function decodePayload(type: Type, id: number, bytes: Buffer, what: string): unknown {
  try {
    return type.fromBuffer(bytes.subarray(HEADER_LENGTH)) as unknown;
  } catch (error) {
    throw new PoisonRecordError(
      `${what} does not decode with Avro schema id ${id} (${error instanceof Error ? error.message : String(error)}): ${showValue(bytes)}`,
      { cause: error },
    );
  }
}

/** Synchronous once the schema id is cached; a Promise only on the first record of an id. */
export function createAvroDecoder(schemas: AvroSchemas, what: string): (bytes: Buffer) => unknown {
  return (bytes) => {
    if (bytes.length < HEADER_LENGTH) throw new PoisonRecordError(`${what} is too short for the Confluent Avro wire format (${bytes.length} bytes): ${showValue(bytes)}`);
    if (bytes[0] !== MAGIC_BYTE) {
      throw new PoisonRecordError(`${what} does not start with the Confluent wire-format magic byte 0 (found ${bytes[0] ?? '?'}): ${showValue(bytes)}`);
    }
    const id = bytes.readInt32BE(1);
    const type = schemas.cached(id);
    if (type) return decodePayload(type, id, bytes, what);
    return schemas.load(id).then((loaded) => decodePayload(loaded, id, bytes, what));
  };
}
