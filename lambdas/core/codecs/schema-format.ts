import type { DecodedValue } from './decoder.js';

/*
 * The format-specific part of a schema-registry codec, apart from any wire
 * format: schema text (and the texts it imports) in, a compiled decoder of
 * payload bytes out. The Confluent wire format (confluent.ts) and any other
 * registry's wire format (AWS Glue's) strip their own header, find the
 * schema by their own id, and hand the rest of the bytes to `decode`.
 */

export type SchemaFormatName = 'avro' | 'protobuf' | 'json-schema';

export interface SchemaSource {
  /** The schema text as the registry stores it: Avro JSON, a .proto file, a JSON Schema document. */
  readonly text: string;
  /**
   * Texts of the schemas it references, keyed by the name the schema uses for them
   * (a Protobuf import path such as "shared/address.proto"). Well-known
   * Protobuf types (google/protobuf/*.proto) need no entry.
   */
  readonly references?: ReadonlyMap<string, string>;
}

export interface CompiledSchema {
  /**
   * Decodes a payload with the wire-format header already removed, to the
   * plain values the CQL converters take. `messageIndexes` selects the
   * Protobuf message (Confluent's index path: [0] is the first message of
   * the file, [1, 0] the first nested message of the second); default [0].
   * Other formats ignore it. Throws an Error saying what is wrong.
   */
  decode(payload: Buffer, messageIndexes?: readonly number[]): DecodedValue;
  /** For error messages: the message or record name the indexes select. */
  describe(messageIndexes?: readonly number[]): string;
}

export interface SchemaFormat {
  readonly name: SchemaFormatName;
  /** Parses and compiles once per schema; throws an Error when the text is not a usable schema. */
  compile(source: SchemaSource): CompiledSchema;
}
