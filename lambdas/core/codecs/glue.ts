import avsc from 'avsc';
import { isSinkError, PoisonRecordError, showValue, TransientError } from '../errors.js';
import { avroLogicalTypes } from './avro-logical.js';
import type { GlueSchemaRegistry, GlueSchemaVersion } from './glue-registry.js';
import { compileGlueProtobuf } from './glue-protobuf.js';
import { readGlueEnvelope } from './glue-wire.js';
import { parseJson } from './json.js';

/** Turns a payload (inflated, without the Glue header) into the decoded value. */
export type PayloadReader = (payload: Buffer, what: string) => unknown;

/** Compiles a schema definition of one data format into a reader; throws when the definition is unusable. */
export type SchemaCompiler = (definition: string) => PayloadReader;

const compileAvro: SchemaCompiler = (definition) => {
  const type = avsc.Type.forSchema(JSON.parse(definition) as avsc.Schema, { logicalTypes: avroLogicalTypes, wrapUnions: 'auto' });
  return (payload) => type.fromBuffer(payload) as unknown;
};

/** Glue's JSON Schema serializer writes the record as UTF-8 JSON text; the schema only validated it on the way in. */
const compileJson: SchemaCompiler = (definition) => {
  JSON.parse(definition);
  return (payload, what) => parseJson(payload.toString('utf8'), what);
};

/** Data formats this build reads, by Glue DataFormat (PROTOBUF: glue-protobuf.ts). */
const BUILT_IN: Readonly<Record<string, SchemaCompiler>> = {
  AVRO: compileAvro,
  JSON: compileJson,
  PROTOBUF: (definition) => compileGlueProtobuf(definition),
};

export interface GlueSchemasOptions {
  /** Extra or replacement compilers by Glue DataFormat (e.g. PROTOBUF). */
  readonly compilers?: Readonly<Record<string, SchemaCompiler>>;
}

/**
 * Schema versions by id, fetched once per container and shared by every
 * decoder (keys and values of all topics reading from one registry).
 */
export class GlueSchemas {
  private readonly readers = new Map<string, PayloadReader>();
  private readonly pending = new Map<string, Promise<PayloadReader>>();
  private readonly compilers: Readonly<Record<string, SchemaCompiler>>;

  constructor(
    private readonly registry: GlueSchemaRegistry,
    options: GlueSchemasOptions = {},
  ) {
    this.compilers = { ...BUILT_IN, ...options.compilers };
  }

  cached(versionId: string): PayloadReader | undefined {
    return this.readers.get(versionId);
  }

  /** Concurrent requests for one version share one fetch; a failed fetch is not cached. */
  load(versionId: string): Promise<PayloadReader> {
    const inFlight = this.pending.get(versionId);
    if (inFlight) return inFlight;
    const loading = this.fetch(versionId).finally(() => this.pending.delete(versionId));
    this.pending.set(versionId, loading);
    return loading;
  }

  private async fetch(versionId: string): Promise<PayloadReader> {
    let version: GlueSchemaVersion;
    try {
      version = await this.registry.getSchemaVersion(versionId);
    } catch (error) {
      if (isSinkError(error)) throw error;
      throw new TransientError(
        `glue schema registry: fetching schema version ${versionId} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const compile = this.compilers[version.dataFormat];
    if (compile === undefined) {
      throw new PoisonRecordError(
        `glue schema version ${versionId} has data format ${JSON.stringify(version.dataFormat)}, which this sink cannot read (it reads ${Object.keys(this.compilers).join(', ')})`,
      );
    }
    let reader: PayloadReader;
    try {
      reader = compile(version.definition);
    } catch (error) {
      throw new PoisonRecordError(
        `glue schema version ${versionId} is not a usable ${version.dataFormat} schema: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    this.readers.set(versionId, reader);
    return reader;
  }
}

function read(reader: PayloadReader, versionId: string, payload: Buffer, bytes: Buffer, what: string): unknown {
  try {
    return reader(payload, what);
  } catch (error) {
    if (isSinkError(error)) throw error;
    throw new PoisonRecordError(
      `${what} does not decode with glue schema version ${versionId} (${error instanceof Error ? error.message : String(error)}): ${showValue(bytes)}`,
      { cause: error },
    );
  }
}

/** Synchronous once the schema version is cached; a Promise only on the first record of a version. */
export function createGlueDecoder(schemas: GlueSchemas, what: string): (bytes: Buffer) => unknown {
  return (bytes) => {
    const { versionId, payload } = readGlueEnvelope(bytes, what);
    const reader = schemas.cached(versionId);
    if (reader) return read(reader, versionId, payload, bytes, what);
    return schemas.load(versionId).then((loaded) => read(loaded, versionId, payload, bytes, what));
  };
}
