import avsc from 'avsc';
import { avroLogicalTypes } from './avro-logical.js';
import type { SchemaFormat } from './schema-format.js';

/** Avro binary: logical types decoded as in avro-logical.ts, unions unwrapped where unambiguous. */
export const avroFormat: SchemaFormat = {
  name: 'avro',
  compile({ text }) {
    const type = avsc.Type.forSchema(JSON.parse(text) as avsc.Schema, { logicalTypes: avroLogicalTypes, wrapUnions: 'auto' });
    return {
      decode: (payload) => type.fromBuffer(payload) as object,
      describe: () => `Avro ${type.name ?? type.typeName}`,
    };
  },
};
