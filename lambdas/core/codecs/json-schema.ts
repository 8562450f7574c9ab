import type { DecodedValue } from './decoder.js';
import { parseJson } from './json.js';
import type { SchemaFormat } from './schema-format.js';

/*
 * A JSON Schema payload is JSON text; the schema only has to be a JSON
 * Schema document (an object or a boolean). Values are read as plain JSON
 * records are (long numbers keep their digits); the CQL converters check
 * each value against its column, so the payload is not validated against
 * the schema again (Confluent's deserializer does not either by default).
 */
export const jsonSchemaFormat: SchemaFormat = {
  name: 'json-schema',
  compile({ text }) {
    const schema = JSON.parse(text) as unknown;
    if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
      throw new Error('a JSON Schema is an object or a boolean');
    }
    const title =
      typeof schema === 'object' && typeof (schema as { title?: unknown }).title === 'string'
        ? ` "${(schema as { title: string }).title}"`
        : '';
    return {
      decode: (payload) => parseJson(payload.toString('utf8'), 'payload') as DecodedValue,
      describe: () => `JSON Schema${title}`,
    };
  },
};
