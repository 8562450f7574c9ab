import { types } from 'cassandra-driver';
import type { TimeUnit } from '../config/table.js';
import { PoisonRecordError, showValue } from '../errors.js';
import { nanosPerUnit } from '../cql/temporal.js';

/** Cassandra's MAX_TTL: 20 years, in seconds. */
export const MAX_TTL_SECONDS = 630_720_000;

/**
 * The write time of a record in µs as a BigInt (the Client binds 64-bit
 * values as BigInt). A record without a timestamp (-1, NO_TIMESTAMP_TYPE)
 * binds `unset`, which makes Cassandra use the coordinator's clock.
 */
export function kafkaWriteTime(timestampMs: number): unknown {
  return timestampMs >= 0 ? BigInt(timestampMs) * 1000n : types.unset;
}

/** Compiles the conversion of a mapped `__timestamp` (in `unit`) to µs. */
export function timestampConverter(unit: TimeUnit): (value: unknown) => bigint {
  const nanos = nanosPerUnit(unit);
  return (value) => {
    const n = integerOf(value, '__timestamp', unit);
    return (n * nanos) / 1000n;
  };
}

/** Compiles the conversion of a mapped `__ttl` (in `unit`) to whole seconds. */
export function ttlConverter(unit: TimeUnit): (value: unknown) => number {
  const nanos = nanosPerUnit(unit);
  return (value) => {
    const seconds = (integerOf(value, '__ttl', unit) * nanos) / 1_000_000_000n;
    if (seconds < 0n || seconds > BigInt(MAX_TTL_SECONDS)) {
      throw new PoisonRecordError(
        `__ttl: ${showValue(value)} ${unit.toLowerCase()} is ${seconds} s, outside 0…${MAX_TTL_SECONDS} (0 means no TTL)`,
      );
    }
    return Number(seconds);
  };
}

/** The static `ttl` setting in seconds, -1 for none. */
export function staticTtlSeconds(ttl: number, unit: TimeUnit): number {
  return ttl < 0 ? -1 : Number((BigInt(ttl) * nanosPerUnit(unit)) / 1_000_000_000n);
}

function integerOf(value: unknown, what: string, unit: TimeUnit): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return BigInt(value.trim());
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    // A temporal value (e.g. an Avro timestamp-millis) is an instant whatever the unit.
    return (BigInt(value.getTime()) * 1_000_000n) / nanosPerUnit(unit);
  }
  if (types.Long.isLong(value)) return BigInt(value.toString());
  throw new PoisonRecordError(`${what}: expected a whole number of ${unit.toLowerCase()}, got ${showValue(value)}`);
}
