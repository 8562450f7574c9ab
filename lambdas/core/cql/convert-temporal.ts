import { Instant, LocalDate, type DateTimeFormatter, type TemporalAccessor, type ZoneId } from '@js-joda/core';
import { types } from 'cassandra-driver';
import type { CodecSettings } from '../codecs/settings.js';
import { describeType, fail, isLong, longFromBigInt, type ValueConverter } from './convert-support.js';
import {
  floorDiv,
  nanosPerUnit,
  parseLocale,
  parseZone,
  temporalFormatter,
  toInstant,
  toLocalDate,
  toLocalTime,
  UNITS_SINCE_EPOCH,
} from './temporal.js';

/*
 * Strings become temporals through the codec settings (see temporal.ts);
 * numbers count codec.unit from the Unix epoch (DSBulk's NumberToInstantCodec),
 * except for `time`, where they count codec.unit from midnight: a CQL time is
 * a time of day, and the epoch reading would silently wrap at 24h.
 * Beyond DSBulk: an all-digit string that the pattern rejects is read as a
 * number, as producers often quote epoch millis.
 */

const MAX_DATE_MILLIS = 8_640_000_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;
const INTEGER_TEXT = /^[+-]?\d+$/;

interface TemporalContext {
  readonly zone: ZoneId;
  readonly nanosPerUnit: bigint;
  readonly unit: string;
}

function contextOf(settings: CodecSettings): TemporalContext {
  return { zone: parseZone(settings.timeZone), nanosPerUnit: nanosPerUnit(settings.unit), unit: settings.unit.toLowerCase() };
}

/** A whole number of units, or undefined when the value is not numeric at all. */
function wholeUnits(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return fail(value, 'a number of time units must be a whole number');
    return BigInt(value);
  }
  if (typeof value === 'bigint') return value;
  if (isLong(value)) return BigInt(value.toString());
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

function dateFromNanos(value: unknown, nanos: bigint): Date {
  const millis = floorDiv(nanos, NANOS_PER_MILLI);
  if (millis > MAX_DATE_MILLIS || millis < -MAX_DATE_MILLIS) return fail(value, 'out of range for timestamp');
  return new Date(Number(millis));
}

/** Parses with the pattern; an all-digit string it rejects yields undefined (read as a number instead). */
function parseWith(formatter: DateTimeFormatter, value: string, setting: string) {
  const text = value.trim();
  try {
    return formatter.parse(text);
  } catch {
    if (INTEGER_TEXT.test(text)) return undefined;
    return fail(value, `does not match codec.${setting}`);
  }
}

function resolveInstant(value: unknown, parsed: TemporalAccessor, zone: ZoneId): Instant {
  try {
    return toInstant(parsed, zone);
  } catch {
    return fail(value, 'not a point in time');
  }
}

/*
 * UTC_INSTANT_TEXT: `2026-03-01T10:15:30Z` or with 1 to 3 fraction digits,
 * `^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$`: the
 * UTC instant text producers write most (JavaScript's toISOString).
 */

/**
 * The instant of a UTC_INSTANT_TEXT string without the formatter (a profiled
 * hot spot: the formatter costs ~4 µs per value). Only a plainly valid date
 * and time is read here; anything else — another shape, a day past the end
 * of its month, year < 1000 — returns undefined and goes to the formatter,
 * so the presets it is used for (ISO_INSTANT, CQL_TIMESTAMP) keep their
 * exact behaviour.
 */
export function fastUtcInstant(text: string): Date | undefined {
  // Read character by character: the regular expression's match array cost more than the rest.
  const length = text.length;
  if (length !== 20 && (length < 22 || length > 24)) return undefined;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== LETTER_T) return undefined;
  if (text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON || text.charCodeAt(length - 1) !== LETTER_Z) return undefined;
  if (length > 20 && text.charCodeAt(19) !== POINT) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const fractionDigits = length - 21;
  const fraction = fractionDigits > 0 ? digitsAt(text, 20, fractionDigits) : 0;
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) return undefined;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fractionDigits === 1 ? fraction * 100 : fractionDigits === 2 ? fraction * 10 : fraction;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  return date.getUTCDate() === day ? date : undefined;
}

const DASH = 45;
const COLON = 58;
const POINT = 46;
const LETTER_T = 84;
const LETTER_Z = 90;

/** The number written by `count` ASCII digits at `start`, or -1 when one is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Presets that read UTC_INSTANT_TEXT as that UTC instant whatever codec.timeZone says (the text carries its zone). */
const FAST_INSTANT_PRESETS: ReadonlySet<string> = new Set(['ISO_INSTANT', 'CQL_TIMESTAMP']);

export function timestampConverter(settings: CodecSettings): ValueConverter {
  const ctx = contextOf(settings);
  const numericOnly = settings.timestamp === UNITS_SINCE_EPOCH;
  const formatter = numericOnly ? undefined : temporalFormatter('codec.timestamp', settings.timestamp, parseLocale(settings.locale));
  const fast = FAST_INSTANT_PRESETS.has(settings.timestamp);
  const instantToDate = (value: unknown, instant: Instant) =>
    dateFromNanos(value, BigInt(instant.epochSecond()) * 1_000_000_000n + BigInt(instant.nano()));
  return (value) => {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail(value, 'invalid Date') : value;
    if (fast && typeof value === 'string') {
      const date = fastUtcInstant(value);
      if (date !== undefined) return date;
    }
    if (typeof value === 'string' && formatter) {
      const parsed = parseWith(formatter, value, `timestamp ${settings.timestamp}`);
      if (parsed) return instantToDate(value, resolveInstant(value, parsed, ctx.zone));
    }
    const units = wholeUnits(value);
    if (units === undefined)
      return fail(value, `expected a date-time string or a number of ${ctx.unit} since the epoch, got ${describeType(value)}`);
    return dateFromNanos(value, units * ctx.nanosPerUnit);
  };
}

/**
 * The driver builds its LocalDate through an ES5 Date and throws an untyped
 * Error for a day outside its range (-271821-04-20 … 275760-09-13, UTC); a
 * zone can push a value at the edge of that range past it.
 */
function toDriverDate(date: LocalDate, value: unknown): types.LocalDate {
  try {
    return new types.LocalDate(date.year(), date.monthValue(), date.dayOfMonth());
  } catch {
    return fail(value, `the day ${date.toString()} is outside the range the driver can bind (-271821-04-20 to 275760-09-13)`);
  }
}

export function dateConverter(settings: CodecSettings): ValueConverter {
  const ctx = contextOf(settings);
  const formatter = temporalFormatter('codec.date', settings.date, parseLocale(settings.locale));
  return (value) => {
    if (value instanceof types.LocalDate) return value;
    if (typeof value === 'string') {
      const parsed = parseWith(formatter, value, `date ${settings.date}`);
      if (parsed) return toDriverDate(toLocalDate(parsed, ctx.zone), value);
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return fail(value, 'invalid Date');
      return toDriverDate(LocalDate.ofInstant(Instant.ofEpochMilli(value.getTime()), ctx.zone), value);
    }
    const units = wholeUnits(value);
    if (units === undefined)
      return fail(value, `expected a date string or a number of ${ctx.unit} since the epoch, got ${describeType(value)}`);
    const nanos = units * ctx.nanosPerUnit;
    const seconds = floorDiv(nanos, 1_000_000_000n);
    let date: LocalDate;
    try {
      date = LocalDate.ofInstant(Instant.ofEpochSecond(Number(seconds), Number(nanos - seconds * 1_000_000_000n)), ctx.zone);
    } catch {
      return fail(value, 'out of range for date');
    }
    return toDriverDate(date, value);
  };
}

export function timeConverter(settings: CodecSettings): ValueConverter {
  const ctx = contextOf(settings);
  const formatter = temporalFormatter('codec.time', settings.time, parseLocale(settings.locale));
  return (value) => {
    if (value instanceof types.LocalTime) return value;
    if (typeof value === 'string') {
      const parsed = parseWith(formatter, value, `time ${settings.time}`);
      if (parsed) return new types.LocalTime(longFromBigInt(BigInt(toLocalTime(parsed, ctx.zone).toNanoOfDay())));
    }
    const units = wholeUnits(value);
    if (units === undefined)
      return fail(value, `expected a time string or a number of ${ctx.unit} since midnight, got ${describeType(value)}`);
    const nanos = units * ctx.nanosPerUnit;
    if (nanos < 0n || nanos >= NANOS_PER_DAY) return fail(value, `a time of day must be from 0 to 24h (in ${ctx.unit} since midnight)`);
    return new types.LocalTime(longFromBigInt(nanos));
  };
}
