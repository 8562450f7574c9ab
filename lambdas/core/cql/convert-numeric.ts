import { types } from 'cassandra-driver';
import { describeType, fail, isLong, longFromBigInt, type IntegerEncoding, type ValueConverter } from './convert-support.js';

/*
 * Numbers follow DSBulk's lossless narrowing with its default overflow
 * strategy REJECT: a value that does not fit, or an integer column given a
 * fraction, is poison — never wrapped, never rounded. DSBulk also accepts
 * locale-formatted numbers ("1,234.5") and temporal strings for numeric
 * columns; we accept plain decimal/scientific text only, which is
 * unambiguous in every locale.
 */

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/;
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['+Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);
/** Larger exponents would make a varint of absurd size from a short string. */
const MAX_INTEGER_DIGITS = 10_000;

interface DecimalParts {
  readonly unscaled: bigint;
  readonly scale: number;
}

export function parseDecimalText(text: string): DecimalParts | undefined {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', intPart = '', fracPart = '', exponent] = match;
  if (intPart === '' && fracPart === '') return undefined;
  return { unscaled: BigInt(`${sign}${intPart}${fracPart}`), scale: fracPart.length - (exponent === undefined ? 0 : Number(exponent)) };
}

function decimalPartsOf(value: unknown): DecimalParts | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? parseDecimalText(String(value)) : undefined;
    case 'bigint':
      return { unscaled: value, scale: 0 };
    case 'string':
      return parseDecimalText(value);
    case 'boolean':
      return { unscaled: value ? 1n : 0n, scale: 0 };
    default:
      if (isLong(value) || value instanceof types.Integer || value instanceof types.BigDecimal) return parseDecimalText(value.toString());
      return undefined;
  }
}

function exactInteger(value: unknown): bigint {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return BigInt(value);
    return fail(value, Number.isFinite(value) ? 'not an integer (has a fraction)' : 'not an integer');
  }
  const parts = decimalPartsOf(value);
  if (!parts) return fail(value, typeof value === 'string' ? 'not an integer' : `expected an integer, got ${describeType(value)}`);
  if (parts.scale <= 0) {
    if (-parts.scale > MAX_INTEGER_DIGITS) return fail(value, 'integer too large');
    return parts.unscaled * 10n ** BigInt(-parts.scale);
  }
  if (parts.scale > MAX_INTEGER_DIGITS) return fail(value, 'not an integer (has a fraction)');
  const divisor = 10n ** BigInt(parts.scale);
  if (parts.unscaled % divisor !== 0n) return fail(value, 'not an integer (has a fraction)');
  return parts.unscaled / divisor;
}

const INT_RANGES = {
  tinyint: [-128, 127],
  smallint: [-32_768, 32_767],
  int: [-2_147_483_648, 2_147_483_647],
} as const;

export function smallIntegerConverter(kind: keyof typeof INT_RANGES): ValueConverter {
  const [min, max] = INT_RANGES[kind];
  const bigMin = BigInt(min);
  const bigMax = BigInt(max);
  const outOfRange = `out of range for ${kind} (${min}..${max})`;
  return (value) => {
    if (typeof value === 'number' && Number.isInteger(value)) {
      if (value >= min && value <= max) return value;
      return fail(value, outOfRange);
    }
    const n = exactInteger(value);
    if (n < bigMin || n > bigMax) return fail(value, outOfRange);
    return Number(n);
  };
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** bigint and counter: a native BigInt or a driver Long, as the client's `useBigIntAsLong` expects. */
export function longConverter(encoding: IntegerEncoding): ValueConverter {
  const asBigInt = encoding.useBigIntAsLong;
  return (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return asBigInt ? BigInt(value) : longFromBigInt(BigInt(value));
    if (!asBigInt && isLong(value)) return value;
    const n = exactInteger(value);
    if (n < LONG_MIN || n > LONG_MAX) return fail(value, 'out of range for bigint (64-bit signed)');
    return asBigInt ? n : longFromBigInt(n);
  };
}

export function varintConverter(encoding: IntegerEncoding): ValueConverter {
  const asBigInt = encoding.useBigIntAsVarint;
  return (value) => {
    if (!asBigInt && value instanceof types.Integer) return value;
    const n = exactInteger(value);
    return asBigInt ? n : types.Integer.fromString(n.toString());
  };
}

/** The driver's BigDecimal.fromString takes plain digits with an optional point only. */
function toBigDecimal({ unscaled, scale }: DecimalParts): types.BigDecimal {
  if (scale <= 0) return types.BigDecimal.fromString((unscaled * 10n ** BigInt(-scale)).toString());
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const sign = unscaled < 0n ? '-' : '';
  return types.BigDecimal.fromString(`${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
}

const MINUS = 45;
const POINT = 46;
/** Digits a double holds exactly as an integer: the unscaled value then needs no BigInt. */
const SAFE_DIGITS = 15;

/**
 * The common decimal text (`-123.45`: optional minus, digits, at most one
 * point, at most 15 digits) straight to a BigDecimal from its unscaled value,
 * without the regular expression, BigInt and the driver's digit-by-digit
 * Integer.fromString; undefined for anything else, which takes the general path
 * (same value: a unit test compares the encoded bytes).
 */
export function simpleDecimal(text: string): types.BigDecimal | undefined {
  const length = text.length;
  if (length === 0 || length > SAFE_DIGITS + 2) return undefined;
  let point = -1;
  let digits = 0;
  for (let i = text.charCodeAt(0) === MINUS ? 1 : 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === POINT && point < 0) point = i;
    else return undefined;
  }
  if (digits === 0 || digits > SAFE_DIGITS) return undefined;
  const unscaled = Number(point < 0 ? text : text.slice(0, point) + text.slice(point + 1));
  // "-0.00" is zero (the general path's BigInt has no negative zero).
  return new types.BigDecimal(unscaled === 0 ? 0 : unscaled, point < 0 ? 0 : length - 1 - point);
}

export function decimalConverter(): ValueConverter {
  return (value) => {
    if (value instanceof types.BigDecimal) return value;
    if (typeof value === 'string') {
      const decimal = simpleDecimal(value);
      if (decimal !== undefined) return decimal;
    }
    const parts = decimalPartsOf(value);
    if (!parts) {
      if (typeof value === 'number') return fail(value, 'not a finite number');
      return fail(value, typeof value === 'string' ? 'not a decimal number' : `expected a decimal number, got ${describeType(value)}`);
    }
    if (Math.abs(parts.scale) > MAX_INTEGER_DIGITS) return fail(value, 'exponent out of range for decimal');
    return toBigDecimal(parts);
  };
}

function finite(value: unknown, n: number): number {
  return Number.isFinite(n) ? n : fail(value, 'out of range for double');
}

function toFloating(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'string': {
      const trimmed = value.trim();
      const special = SPECIAL_FLOATS.get(trimmed);
      if (special !== undefined) return special;
      if (!parseDecimalText(trimmed)) return fail(value, 'not a number');
      return finite(value, Number(trimmed));
    }
    case 'bigint':
      return finite(value, Number(value));
    case 'boolean':
      return value ? 1 : 0;
    default:
      if (isLong(value) || value instanceof types.Integer || value instanceof types.BigDecimal)
        return finite(value, Number(value.toString()));
      return fail(value, `expected a number, got ${describeType(value)}`);
  }
}

/**
 * DSBulk also rejects a float whose decimal value changes when narrowed;
 * we accept rounding to the nearest float (JSON numbers arrive as doubles
 * anyway) and reject only overflow to infinity.
 */
export function floatingConverter(kind: 'float' | 'double'): ValueConverter {
  const narrow = kind === 'float' ? Math.fround : (n: number) => n;
  return (value) => {
    const n = toFloating(value);
    const result = narrow(n);
    if (!Number.isFinite(result) && Number.isFinite(n)) return fail(value, `out of range for ${kind}`);
    return result;
  };
}
