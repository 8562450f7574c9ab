import { createConfluentDecoder, RegistrySchemas } from './confluent.js';
import type { DecodedValue } from './decoder.js';

/** Kept for callers that name the Avro case: one schema cache serves every format. */
export { RegistrySchemas as AvroSchemas } from './confluent.js';

export function createAvroDecoder(schemas: RegistrySchemas, what: string): (bytes: Buffer) => DecodedValue | Promise<DecodedValue> {
  return createConfluentDecoder(schemas, 'avro', what);
}
