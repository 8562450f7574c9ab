import type { CodecSettings } from '../codecs/settings.js';
import { PoisonRecordError, showValue } from '../errors.js';
import { collectionConverter } from './convert-collections.js';
import { durationConverter } from './convert-duration.js';
import { decimalConverter, floatingConverter, longConverter, smallIntegerConverter, varintConverter } from './convert-numeric.js';
import {
  asciiConverter,
  blobConverter,
  booleanConverter,
  inetConverter,
  textConverter,
  timeuuidConverter,
  uuidConverter,
} from './convert-scalar.js';
import { ConversionFailure, type IntegerEncoding, type ValueConverter } from './convert-support.js';
import { dateConverter, timeConverter, timestampConverter } from './convert-temporal.js';
import { formatCqlType, type CqlType } from './types.js';

/**
 * The cassandra-driver `encoding` client options the converted values are
 * made for. The writer's Client must be created with `encoding: CQL_DRIVER_ENCODING`:
 *  - bigint/counter bind as native BigInt and varint as BigInt (exact, no Long
 *    objects); with these options the driver also expects a BigInt for every
 *    other 64-bit bind, such as `USING TIMESTAMP ?`.
 *  - maps bind as JS Maps, so keys keep their CQL type (a plain object would
 *    turn every key into a string).
 */
export const CQL_DRIVER_ENCODING = {
  map: Map,
  useBigIntAsLong: true,
  useBigIntAsVarint: true,
} as const;

export interface ConvertOptions {
  /** Match a Client created with other `encoding` options (driver Long/Integer instead of BigInt). */
  readonly encoding?: Partial<IntegerEncoding>;
}

export interface ConvertContext {
  readonly column: string;
}

export type ColumnConverter = (value: unknown, ctx: ConvertContext) => unknown;

/**
 * Compiles the conversion of record values to one CQL type, once per column:
 * patterns, zones and nested converters are resolved here, not per record.
 * null and undefined become null; a value that cannot convert throws a
 * PoisonRecordError naming the column, the CQL type and the value.
 * Throws ConfigError for bad codec settings.
 */
export function makeConverter(type: CqlType, settings: CodecSettings, options: ConvertOptions = {}): ColumnConverter {
  const encoding: IntegerEncoding = {
    useBigIntAsLong: options.encoding?.useBigIntAsLong ?? CQL_DRIVER_ENCODING.useBigIntAsLong,
    useBigIntAsVarint: options.encoding?.useBigIntAsVarint ?? CQL_DRIVER_ENCODING.useBigIntAsVarint,
  };
  const convert = compile(type, settings, encoding);
  const typeText = formatCqlType(type);
  return (value, ctx) => {
    if (value === null || value === undefined) return null;
    try {
      return convert(value);
    } catch (error) {
      if (!(error instanceof ConversionFailure)) throw error;
      throw poison(ctx.column, typeText, error);
    }
  };
}

function poison(column: string, typeText: string, failure: ConversionFailure): PoisonRecordError {
  const where =
    failure.path.length > 0 ? ` at ${failure.path.join('')}${failure.typeText === undefined ? '' : ` (${failure.typeText})`}` : '';
  return new PoisonRecordError(`column "${column}" (${typeText}): cannot convert ${showValue(failure.value)}${where} — ${failure.reason}`, {
    cause: failure,
    details: { column, reason: `cannot convert to ${typeText}` },
  });
}

/** Empty text is null for non-text types, as in DSBulk. */
function emptyIsNull(convert: ValueConverter): ValueConverter {
  return (value) => (value === '' ? null : convert(value));
}

export function compile(type: CqlType, settings: CodecSettings, encoding: IntegerEncoding): ValueConverter {
  switch (type.kind) {
    case 'text':
    case 'varchar':
      return textConverter();
    case 'ascii':
      return asciiConverter();
    case 'blob':
      return blobConverter();
    case 'tinyint':
    case 'smallint':
    case 'int':
      return emptyIsNull(smallIntegerConverter(type.kind));
    case 'bigint':
    case 'counter':
      return emptyIsNull(longConverter(encoding));
    case 'varint':
      return emptyIsNull(varintConverter(encoding));
    case 'decimal':
      return emptyIsNull(decimalConverter());
    case 'float':
    case 'double':
      return emptyIsNull(floatingConverter(type.kind));
    case 'boolean':
      return emptyIsNull(booleanConverter());
    case 'timestamp':
      return emptyIsNull(timestampConverter(settings));
    case 'date':
      return emptyIsNull(dateConverter(settings));
    case 'time':
      return emptyIsNull(timeConverter(settings));
    case 'duration':
      return emptyIsNull(durationConverter());
    case 'uuid':
      return emptyIsNull(uuidConverter());
    case 'timeuuid':
      return emptyIsNull(timeuuidConverter());
    case 'inet':
      return emptyIsNull(inetConverter());
    default:
      return emptyIsNull(collectionConverter(type, (inner) => compile(inner, settings, encoding)));
  }
}
