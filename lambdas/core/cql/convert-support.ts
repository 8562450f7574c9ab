import { types } from 'cassandra-driver';

/**
 * Thrown by the per-type converters; `makeConverter` turns it into a
 * PoisonRecordError that names the column. Kept separate so nested
 * converters can add where in the value the failure happened.
 */
export class ConversionFailure extends Error {
  override readonly name = 'ConversionFailure';
  /** Path inside the column value, outermost first: `[2]`, `.street`, `{"k"}`. */
  readonly path: string[] = [];

  constructor(
    readonly value: unknown,
    readonly reason: string,
    /** The CQL type that failed, when it is nested inside the column's type. */
    public typeText?: string,
  ) {
    super(reason);
  }
}

export type ValueConverter = (value: unknown) => unknown;

/** How the client binds 64-bit and arbitrary-precision integers (cassandra-driver `encoding` options). */
export interface IntegerEncoding {
  readonly useBigIntAsLong: boolean;
  readonly useBigIntAsVarint: boolean;
}

export function fail(value: unknown, reason: string): never {
  throw new ConversionFailure(value, reason);
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** A Uint8Array as a Buffer without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A driver Long from a 64-bit BigInt (the caller has checked the range). */
export function longFromBigInt(n: bigint): types.Long {
  return new types.Long(Number(BigInt.asIntN(32, n)), Number(BigInt.asIntN(32, n >> 32n)));
}

export function isLong(value: unknown): value is types.Long {
  return types.Long.isLong(value);
}

/** Driver value objects that render themselves faithfully with toString(). */
export function isDriverValue(value: unknown): value is { toString(): string } {
  return (
    value instanceof types.LocalDate ||
    value instanceof types.LocalTime ||
    value instanceof types.Uuid ||
    value instanceof types.InetAddress ||
    value instanceof types.BigDecimal ||
    value instanceof types.Integer ||
    value instanceof types.Duration ||
    isLong(value)
  );
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isBytes(value)) return 'bytes';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
