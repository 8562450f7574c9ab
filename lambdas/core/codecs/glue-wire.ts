import zlib from 'node:zlib';
import { PoisonRecordError, showValue } from '../errors.js';

/*
 * The AWS Glue Schema Registry wire format (awslabs/aws-glue-schema-registry,
 * AWSSchemaRegistryConstants): a header version byte 3, a compression byte
 * (0 none, 5 zlib), the schema version id as 16 bytes (a UUID, most
 * significant half first), then the payload, deflated with zlib when the
 * compression byte says so.
 */

export const GLUE_HEADER_VERSION = 3;
export const GLUE_COMPRESSION_NONE = 0;
export const GLUE_COMPRESSION_ZLIB = 5;
export const GLUE_HEADER_LENGTH = 18;

export interface GlueEnvelope {
  /** Lower-case canonical UUID text, as Glue's SchemaVersionId. */
  readonly versionId: string;
  /** The serialized record, inflated. */
  readonly payload: Buffer;
}

export function uuidFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${JSON.stringify(uuid)}`);
  return Buffer.from(hex, 'hex');
}

/** Splits a Glue-framed record; every malformed frame is poison naming what was wrong and the bytes. */
export function readGlueEnvelope(bytes: Buffer, what: string): GlueEnvelope {
  if (bytes.length < GLUE_HEADER_LENGTH) {
    throw new PoisonRecordError(
      `${what} is too short for the Glue schema registry wire format (${bytes.length} bytes, the header alone is ${GLUE_HEADER_LENGTH}): ${showValue(bytes)}`,
    );
  }
  if (bytes[0] !== GLUE_HEADER_VERSION) {
    throw new PoisonRecordError(
      `${what} does not start with the Glue schema registry header version byte ${GLUE_HEADER_VERSION} (found ${bytes[0] ?? '?'}): ${showValue(bytes)}`,
    );
  }
  const compression = bytes[1];
  const versionId = uuidFromBytes(bytes.subarray(2, GLUE_HEADER_LENGTH));
  const body = bytes.subarray(GLUE_HEADER_LENGTH);
  if (compression === GLUE_COMPRESSION_NONE) return { versionId, payload: body };
  if (compression !== GLUE_COMPRESSION_ZLIB) {
    throw new PoisonRecordError(
      `${what} has an unknown Glue compression byte ${compression ?? '?'} (0 none, 5 zlib; schema version ${versionId}): ${showValue(bytes)}`,
    );
  }
  try {
    return { versionId, payload: zlib.inflateSync(body) };
  } catch (error) {
    throw new PoisonRecordError(
      `${what} has a corrupt zlib payload (schema version ${versionId}: ${error instanceof Error ? error.message : String(error)}): ${showValue(bytes)}`,
      { cause: error },
    );
  }
}

/** The inverse, for tests, the local producer and the bench: frames a serialized payload. */
export function writeGlueEnvelope(versionId: string, payload: Buffer, options: { readonly compress?: boolean } = {}): Buffer {
  const header = Buffer.from([GLUE_HEADER_VERSION, options.compress === true ? GLUE_COMPRESSION_ZLIB : GLUE_COMPRESSION_NONE]);
  return Buffer.concat([header, uuidToBytes(versionId), options.compress === true ? zlib.deflateSync(payload) : payload]);
}
