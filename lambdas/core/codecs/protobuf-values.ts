import protobuf from 'protobufjs';
import { types as cql } from 'cassandra-driver';
import { longFromBigInt } from '../cql/convert-support.js';
import type { DecodedValue } from './decoder.js';

/*
 * A decoded protobufjs message to the plain values the CQL converters take,
 * as for JSON and Avro: nested messages become objects (UDTs, or maps),
 * map fields become Maps with typed keys, repeated fields arrays, enums
 * their names, 64-bit integers exact bigints, bytes Buffers, and the
 * well-known types their meaning (Timestamp a Date, Duration a CQL duration,
 * wrappers their value or null, Struct/Value/ListValue JSON values).
 * proto3 fields without presence read as their default, as Kafka Connect's
 * Protobuf converter reads them; fields with presence read null when unset.
 */

type Convert = (value: unknown) => DecodedValue;
type LongLike = number | { toString(): string };

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT_KEY_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (name) => `.google.protobuf.${name}`,
  ),
);

const byType = new WeakMap<protobuf.Type, Convert>();

function toBigInt(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? value : (value as LongLike).toString());
}

function toBuffer(value: unknown): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
}

/** Milliseconds are what a CQL timestamp holds: nanoseconds below a millisecond are dropped. */
function timestamp(message: Record<string, unknown>): Date {
  const seconds = toBigInt(message.seconds ?? 0);
  const nanos = Number(message.nanos ?? 0);
  return new Date(Number(seconds * 1000n + BigInt(Math.floor(nanos / 1e6))));
}

function duration(message: Record<string, unknown>): cql.Duration {
  const nanos = toBigInt(message.seconds ?? 0) * 1_000_000_000n + BigInt(Number(message.nanos ?? 0));
  return new cql.Duration(0, 0, longFromBigInt(nanos));
}

function scalarConverter(field: protobuf.Field): Convert {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    const convert = messageConverter(resolved);
    return (value) => (value === null || value === undefined ? null : convert(value));
  }
  if (resolved instanceof protobuf.Enum) {
    const names = resolved.valuesById;
    // A number the schema does not name (a newer producer's value) stays a number.
    return (value) => names[value as number] ?? (value as number);
  }
  if (LONG_TYPES.has(field.type)) return toBigInt;
  if (field.type === 'bytes') return toBuffer;
  return (value) => value as DecodedValue;
}

function mapKeyConverter(keyType: string): (key: string) => DecodedValue {
  if (LONG_TYPES.has(keyType)) {
    const unsigned = keyType === 'uint64' || keyType === 'fixed64';
    // protobufjs keys 64-bit map entries by an 8-character hash of the Long.
    return (key) => (/^-?\d+$/.test(key) ? BigInt(key) : toBigInt(protobuf.util.longFromHash(key, unsigned)));
  }
  if (INT_KEY_TYPES.has(keyType)) return Number;
  if (keyType === 'bool') return (key) => key === 'true';
  return (key) => key;
}

function fieldConverter(field: protobuf.Field): Convert {
  const element = scalarConverter(field);
  if (field instanceof protobuf.MapField) {
    const key = mapKeyConverter(field.keyType);
    return (value) => new Map(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [key(k), element(v)]));
  }
  if (field.repeated) return (value) => ((value ?? []) as unknown[]).map(element);
  return element;
}

function structValueConverter(type: protobuf.Type): Convert {
  const fields = type.fieldsArray.map((field) => ({
    name: field.name,
    isNull: field.resolvedType instanceof protobuf.Enum,
    convert: fieldConverter(field),
  }));
  return (value) => {
    const message = value as Record<string, unknown>;
    const set = fields.find((field) => Object.hasOwn(message, field.name));
    return set === undefined || set.isNull ? null : set.convert(message[set.name]);
  };
}

function buildConverter(type: protobuf.Type): Convert {
  const name = type.fullName;
  if (name === '.google.protobuf.Timestamp') return (value) => timestamp(value as Record<string, unknown>);
  if (name === '.google.protobuf.Duration') return (value) => duration(value as Record<string, unknown>);
  if (name === '.google.protobuf.Value') return structValueConverter(type);
  const fields = type.fieldsArray.map((field) => ({
    name: field.name,
    presence: field.hasPresence && !field.repeated && !field.map,
    convert: fieldConverter(field),
  }));
  if (WRAPPERS.has(name) || name === '.google.protobuf.ListValue') {
    const inner = fields[0];
    if (inner === undefined) throw new Error(`${name} has no fields`);
    return (value) => inner.convert((value as Record<string, unknown>)[inner.name]);
  }
  if (name === '.google.protobuf.Struct') {
    const inner = fields[0];
    if (inner === undefined) throw new Error(`${name} has no fields`);
    // A Struct is a JSON object: its Map of Values becomes a plain object.
    return (value) => Object.fromEntries(inner.convert((value as Record<string, unknown>)[inner.name]) as Map<string, DecodedValue>);
  }
  return (value) => {
    const message = value as Record<string, unknown>;
    const out: Record<string, DecodedValue> = {};
    for (const field of fields) {
      out[field.name] = field.presence && !Object.hasOwn(message, field.name) ? null : field.convert(message[field.name]);
    }
    return out;
  };
}

export function messageConverter(type: protobuf.Type): Convert {
  let convert = byType.get(type);
  if (convert === undefined) {
    // Registered before it is built, so a recursive message type finds itself.
    let built: Convert | undefined;
    byType.set(type, (value) => (built ??= buildConverter(type))(value));
    built = buildConverter(type);
    convert = built;
    byType.set(type, convert);
  }
  return convert;
}
