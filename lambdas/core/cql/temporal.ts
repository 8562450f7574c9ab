import {
  ChronoField,
  DateTimeFormatter,
  DateTimeFormatterBuilder,
  Instant,
  LocalDate,
  LocalTime,
  ResolverStyle,
  TemporalQueries,
  TextStyle,
  ZoneId,
  ZonedDateTime,
  type TemporalAccessor,
} from '@js-joda/core';
import '@js-joda/timezone';
import { Locale } from '@js-joda/locale';
// Registers the en/en-US texts (month and day names, zone names) that patterns like `MMM` parse.
import '@js-joda/locale_en-us';
import type { CodecSettings } from '../codecs/settings.js';
import { ConfigError } from '../errors.js';

/*
 * Temporal parsing follows DSBulk's (and so the DataStax connector's) codec
 * settings: `CQL_TIMESTAMP` is the lenient union of every literal form CQL
 * accepts; other values name a java.time.format.DateTimeFormatter constant
 * (ISO_ZONED_DATE_TIME, …) or are a DateTimeFormatter pattern. js-joda is a
 * port of java.time, so patterns mean exactly what they mean to the connector.
 */

export const CQL_TIMESTAMP = 'CQL_TIMESTAMP';
export const UNITS_SINCE_EPOCH = 'UNITS_SINCE_EPOCH';

export type TimeUnitName = CodecSettings['unit'];

const NANOS_PER_UNIT: Readonly<Record<TimeUnitName, bigint>> = {
  NANOSECONDS: 1n,
  MICROSECONDS: 1_000n,
  MILLISECONDS: 1_000_000n,
  SECONDS: 1_000_000_000n,
  MINUTES: 60_000_000_000n,
  HOURS: 3_600_000_000_000n,
  DAYS: 86_400_000_000_000n,
};

export function nanosPerUnit(unit: TimeUnitName): bigint {
  return NANOS_PER_UNIT[unit];
}

/** Floor division, so instants before the epoch round towards the past like java.time does. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The CQL literal forms of Cassandra 2.2+, in one parser (as DSBulk's CqlTemporalFormat). */
function cqlTimestampFormatter(locale: Locale): DateTimeFormatter {
  return new DateTimeFormatterBuilder()
    .append(DateTimeFormatter.ISO_LOCAL_DATE)
    .optionalStart()
    .optionalStart()
    .appendLiteral('T')
    .optionalEnd()
    .optionalStart()
    .appendLiteral(' ')
    .optionalEnd()
    .append(DateTimeFormatter.ISO_LOCAL_TIME)
    .optionalEnd()
    .optionalStart()
    .appendLiteral(' ')
    .appendZoneText(TextStyle.SHORT)
    .optionalEnd()
    .optionalStart()
    .appendOffset('+HH:MM', 'Z')
    .optionalEnd()
    .optionalStart()
    .appendOffset('+HHmm', 'Z')
    .optionalEnd()
    .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
    .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
    .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
    .parseDefaulting(ChronoField.NANO_OF_SECOND, 0)
    .toFormatter(ResolverStyle.STRICT)
    .withLocale(locale);
}

const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;

export function parseLocale(text: string): Locale {
  const [language = 'en', country = '', variant = ''] = text.split(/[_-]/);
  return new Locale(language.toLowerCase(), country.toUpperCase(), variant);
}

export function parseZone(text: string, setting = 'codec.timeZone'): ZoneId {
  try {
    return ZoneId.of(text);
  } catch (error) {
    throw new ConfigError(`${setting}: unknown time zone ${JSON.stringify(text)}`, { cause: error });
  }
}

/**
 * A parser for a codec setting (`codec.timestamp`, `codec.date`, `codec.time`).
 * Built once per column; a bad pattern is a ConfigError at startup.
 */
export function temporalFormatter(setting: string, value: string, locale: Locale): DateTimeFormatter {
  if (value === CQL_TIMESTAMP) return cqlTimestampFormatter(locale);
  const builder = new DateTimeFormatterBuilder().parseStrict().parseCaseInsensitive();
  const constant: unknown = CONSTANT_NAME.test(value) ? (DateTimeFormatter as unknown as Record<string, unknown>)[value] : undefined;
  try {
    if (constant instanceof DateTimeFormatter) builder.append(constant);
    else builder.appendPattern(value);
    // SMART like DSBulk: STRICT cannot derive a year from year-of-era (`yyyy`).
    return builder.toFormatter(ResolverStyle.SMART).withLocale(locale);
  } catch (error) {
    throw new ConfigError(
      `${setting}: invalid date-time pattern ${JSON.stringify(value)}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The instant a parsed temporal denotes; local date-times are placed in `zone` (codec.timeZone). */
export function toInstant(temporal: TemporalAccessor, zone: ZoneId): Instant {
  const date = temporal.query(TemporalQueries.localDate());
  const parsedZone = temporal.query(TemporalQueries.zone());
  if (date)
    return ZonedDateTime.of(date, temporal.query(TemporalQueries.localTime()) ?? LocalTime.MIDNIGHT, parsedZone ?? zone).toInstant();
  if (temporal.isSupported(ChronoField.INSTANT_SECONDS)) return Instant.from(temporal);
  const time = temporal.query(TemporalQueries.localTime());
  if (time) return ZonedDateTime.of(LocalDate.EPOCH_0, time, parsedZone ?? zone).toInstant();
  throw new Error('no date or time in the text');
}

export function toLocalDate(temporal: TemporalAccessor, zone: ZoneId): LocalDate {
  return temporal.query(TemporalQueries.localDate()) ?? LocalDate.ofInstant(toInstant(temporal, zone), zone);
}

export function toLocalTime(temporal: TemporalAccessor, zone: ZoneId): LocalTime {
  return temporal.query(TemporalQueries.localTime()) ?? LocalTime.ofInstant(toInstant(temporal, zone), zone);
}
