import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { codecSettingsSchema, type CodecSettings } from '../../../lambdas/core/codecs/settings.js';
import { makeConverter, type ConvertOptions } from '../../../lambdas/core/cql/convert.js';
import { parseCqlType, type UdtLookup } from '../../../lambdas/core/cql/types.js';
import { ConfigError, PoisonRecordError } from '../../../lambdas/core/errors.js';

const defaults = codecSettingsSchema.parse({});
const lookup: UdtLookup = (name) =>
  name === 'address'
    ? {
        keyspace: 'ks',
        name: 'address',
        fields: [
          { name: 'street', type: { kind: 'text' } },
          { name: 'zip', type: { kind: 'int' } },
        ],
      }
    : undefined;

function convert(type: string, value: unknown, settings: Partial<CodecSettings> = {}, options?: ConvertOptions): unknown {
  return makeConverter(parseCqlType(type, lookup), { ...defaults, ...settings }, options)(value, { column: 'col' });
}

function failure(type: string, value: unknown, settings: Partial<CodecSettings> = {}): string {
  try {
    convert(type, value, settings);
  } catch (error) {
    expect(error).toBeInstanceOf(PoisonRecordError);
    return (error as Error).message;
  }
  throw new Error(`expected ${type} to reject ${JSON.stringify(value)}`);
}

describe('makeConverter', () => {
  it('passes null and undefined through as null', () => {
    expect(convert('int', null)).toBeNull();
    expect(convert('list<int>', undefined)).toBeNull();
    expect(convert('int', '')).toBeNull();
    expect(convert('text', '')).toBe('');
  });

  it('converts text types', () => {
    expect(convert('text', 'héllo')).toBe('héllo');
    expect(convert('varchar', 12)).toBe('12');
    expect(convert('text', { a: [1] })).toBe('{"a":[1]}');
    expect(convert('text', Buffer.from('abc'))).toBe('abc');
    expect(convert('ascii', 'abc')).toBe('abc');
  });

  it('converts integers exactly and range-checks them', () => {
    expect(convert('tinyint', 127)).toBe(127);
    expect(convert('smallint', '-32768')).toBe(-32768);
    expect(convert('int', '1e3')).toBe(1000);
    expect(convert('int', '12.0')).toBe(12);
    expect(convert('int', true)).toBe(1);
    expect(convert('bigint', '9223372036854775807')).toBe(9223372036854775807n);
    expect(convert('bigint', 42)).toBe(42n);
    expect(convert('counter', 7n)).toBe(7n);
    expect(convert('varint', '123456789012345678901234567890')).toBe(123456789012345678901234567890n);
  });

  it('yields driver Long and Integer when the client does not use BigInt', () => {
    const options = { encoding: { useBigIntAsLong: false, useBigIntAsVarint: false } };
    const long = convert('bigint', '-9223372036854775808', {}, options);
    expect(long).toBeInstanceOf(types.Long);
    expect(String(long)).toBe('-9223372036854775808');
    expect(String(convert('varint', '-5', {}, options))).toBe('-5');
    expect(convert('varint', '-5', {}, options)).toBeInstanceOf(types.Integer);
  });

  it('converts decimals preserving precision', () => {
    const decimal = convert('decimal', '12345678901234567890.123456789');
    expect(decimal).toBeInstanceOf(types.BigDecimal);
    expect(String(decimal)).toBe('12345678901234567890.123456789');
    expect(String(convert('decimal', '1.50'))).toBe('1.50');
    expect(String(convert('decimal', 0.1))).toBe('0.1');
    expect(String(convert('decimal', '-0.05'))).toBe('-0.05');
    expect(String(convert('decimal', '2.5e3'))).toBe('2500');
  });

  it('converts floating point numbers', () => {
    expect(convert('double', '3.25')).toBe(3.25);
    expect(convert('double', 'NaN')).toBeNaN();
    expect(convert('float', 0.1)).toBe(Math.fround(0.1));
    expect(convert('float', '-Infinity')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('accepts DSBulk boolean words and numbers', () => {
    for (const word of ['true', 'TRUE', 'yes', 'Y', 't', '1']) expect(convert('boolean', word)).toBe(true);
    for (const word of ['false', 'no', 'N', 'f', '0']) expect(convert('boolean', word)).toBe(false);
    expect(convert('boolean', 1)).toBe(true);
    expect(convert('boolean', false)).toBe(false);
  });

  it('converts timestamps from CQL literals, patterns and numbers in codec.unit', () => {
    expect(convert('timestamp', '2024-01-15T10:30:00Z')).toEqual(new Date('2024-01-15T10:30:00Z'));
    expect(convert('timestamp', '2024-01-15 10:30:00.123+0200')).toEqual(new Date('2024-01-15T08:30:00.123Z'));
    expect(convert('timestamp', '2024-01-15 10:30:00 PST')).toEqual(new Date('2024-01-15T18:30:00Z'));
    expect(convert('timestamp', '2024-01-15')).toEqual(new Date('2024-01-15T00:00:00Z'));
    expect(convert('timestamp', '2024-01-15 10:30', { timeZone: 'Europe/Paris' })).toEqual(new Date('2024-01-15T09:30:00Z'));
    expect(convert('timestamp', '15 Jan 2024 10:30', { timestamp: 'dd MMM yyyy HH:mm' })).toEqual(new Date('2024-01-15T10:30:00Z'));
    expect(convert('timestamp', '2024-01-15T10:30:00+01:00[Europe/Paris]', { timestamp: 'ISO_ZONED_DATE_TIME' })).toEqual(
      new Date('2024-01-15T09:30:00Z'),
    );
    expect(convert('timestamp', 1_700_000_000_000)).toEqual(new Date(1_700_000_000_000));
    expect(convert('timestamp', '1700000000000')).toEqual(new Date(1_700_000_000_000));
    expect(convert('timestamp', 1_700_000_000, { unit: 'SECONDS' })).toEqual(new Date(1_700_000_000_000));
    expect(convert('timestamp', 1_700_000_000_123_456n, { unit: 'MICROSECONDS' })).toEqual(new Date(1_700_000_000_123));
    const date = new Date(5);
    expect(convert('timestamp', date)).toBe(date);
  });

  it('converts dates and times', () => {
    expect(convert('date', '2024-02-29')).toEqual(new types.LocalDate(2024, 2, 29));
    expect(convert('date', '29/02/2024', { date: 'dd/MM/yyyy' })).toEqual(new types.LocalDate(2024, 2, 29));
    expect(convert('date', '20240229', { date: 'BASIC_ISO_DATE' })).toEqual(new types.LocalDate(2024, 2, 29));
    expect(convert('date', 86_400_000)).toEqual(new types.LocalDate(1970, 1, 2));
    expect(convert('date', 1, { unit: 'DAYS' })).toEqual(new types.LocalDate(1970, 1, 2));
    expect(String(convert('time', '10:30:00.123456789'))).toBe('10:30:00.123456789');
    expect(String(convert('time', '10:30'))).toBe('10:30:00');
    expect(String(convert('time', 3_600_000))).toBe('01:00:00');
    expect(convert('time', '10:30')).toBeInstanceOf(types.LocalTime);
  });

  it('converts durations in CQL and ISO-8601 forms', () => {
    const check = (text: string, months: number, days: number, nanos: string) => {
      const duration = convert('duration', text) as types.Duration;
      expect(duration).toBeInstanceOf(types.Duration);
      expect(duration.toBuffer()).toEqual(new types.Duration(months, days, Number(nanos)).toBuffer());
    };
    check('1h30m', 0, 0, '5400000000000');
    check('1y2mo3w4d5h6m7s8ms9us10ns', 14, 25, '18367008009010');
    check('P1DT2H', 0, 1, '7200000000000');
    check('P2W', 0, 14, '0');
    check('-P1Y2M', -14, 0, '0');
    check('P0001-02-03T04:05:06', 14, 3, '14706000000000');
  });

  it('converts uuids, timeuuids, inets and blobs', () => {
    expect(String(convert('uuid', '123E4567-E89B-42D3-A456-426614174000'))).toBe('123e4567-e89b-42d3-a456-426614174000');
    const timeuuid = convert('timeuuid', '50554d6e-29bb-11e5-b345-feff819cdc9f');
    expect(timeuuid).toBeInstanceOf(types.TimeUuid);
    expect(String(convert('inet', '192.168.0.1'))).toBe('192.168.0.1');
    expect(String(convert('inet', '::1'))).toBe('::1');
    expect(convert('blob', 'AQID')).toEqual(Buffer.from([1, 2, 3]));
    expect(convert('blob', '0xcafe')).toEqual(Buffer.from([0xca, 0xfe]));
    expect(convert('blob', new Uint8Array([9]))).toEqual(Buffer.from([9]));
  });

  it('converts collections recursively', () => {
    expect(convert('list<int>', [1, '2'])).toEqual([1, 2]);
    expect(convert('set<text>', '["a","b"]')).toEqual(['a', 'b']);
    expect(convert('map<int, frozen<list<text>>>', { '1': ['a'] })).toEqual(new Map([[1, ['a']]]));
    expect(convert('map<text, int>', [['a', 1]])).toEqual(new Map([['a', 1]]));
    expect(convert('map<timestamp, int>', [{ key: 0, value: 1 }])).toEqual(new Map([[new Date(0), 1]]));
    const tuple = convert('tuple<int, text>', [1, null]) as types.Tuple;
    expect(tuple.values()).toEqual([1, null]);
    expect(convert('frozen<address>', { street: 'Main' })).toEqual({ street: 'Main', zip: null });
    const vector = convert('vector<float, 3>', [1, 2, 3]) as types.Vector;
    expect(vector).toBeInstanceOf(types.Vector);
    expect([...(vector as Iterable<unknown>)]).toEqual([1, 2, 3]);
  });

  it('fails with a ConfigError on bad codec settings, at compile time', () => {
    expect(() => makeConverter({ kind: 'timestamp' }, { ...defaults, timeZone: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => makeConverter({ kind: 'date' }, { ...defaults, date: 'yyyy-MM-dd {' })).toThrow(ConfigError);
  });

  it.each([
    ['decimal', '12,5x', 'column "col" (decimal): cannot convert "12,5x" — not a decimal number'],
    ['decimal', Number.NaN, 'column "col" (decimal): cannot convert null — not a finite number'],
    ['int', 2147483648, 'column "col" (int): cannot convert 2147483648 — out of range for int'],
    ['tinyint', '128', 'column "col" (tinyint): cannot convert "128" — out of range for tinyint'],
    ['smallint', 1.5, 'column "col" (smallint): cannot convert 1.5 — not an integer (has a fraction)'],
    ['bigint', '9223372036854775808', 'column "col" (bigint): cannot convert "9223372036854775808" — out of range for bigint'],
    ['counter', 'abc', 'column "col" (counter): cannot convert "abc" — not an integer'],
    ['varint', '1.5', 'column "col" (varint): cannot convert "1.5" — not an integer (has a fraction)'],
    ['float', 3.5e38, 'column "col" (float): cannot convert 3.5e+38 — out of range for float'],
    ['double', '1e400', 'column "col" (double): cannot convert "1e400" — out of range for double'],
    ['double', 'abc', 'column "col" (double): cannot convert "abc" — not a number'],
    ['boolean', 'maybe', 'column "col" (boolean): cannot convert "maybe" — not a boolean'],
    ['boolean', 2, 'column "col" (boolean): cannot convert 2 — not a boolean'],
    ['ascii', 'é', 'column "col" (ascii): cannot convert "é" — contains non-ASCII characters'],
    ['text', Buffer.from([0xff]), 'column "col" (text): cannot convert <1 bytes 0xff> — bytes are not valid UTF-8'],
    ['timestamp', '2024-02-30', 'column "col" (timestamp): cannot convert "2024-02-30" — does not match codec.timestamp CQL_TIMESTAMP'],
    ['timestamp', 1.5, 'column "col" (timestamp): cannot convert 1.5 — a number of time units must be a whole number'],
    ['timestamp', true, 'column "col" (timestamp): cannot convert true — expected a date-time string'],
    ['date', '2024-13-01', 'column "col" (date): cannot convert "2024-13-01" — does not match codec.date ISO_LOCAL_DATE'],
    ['time', '25:00', 'column "col" (time): cannot convert "25:00" — does not match codec.time ISO_LOCAL_TIME'],
    ['time', 86_400_000, 'column "col" (time): cannot convert 86400000 — a time of day must be from 0 to 24h'],
    ['duration', '1m1h', 'column "col" (duration): cannot convert "1m1h" — not a duration'],
    ['duration', 'P1DT', 'column "col" (duration): cannot convert "P1DT" — not a duration'],
    ['uuid', 'not-a-uuid', 'column "col" (uuid): cannot convert "not-a-uuid" — not a UUID'],
    [
      'timeuuid',
      '123e4567-e89b-42d3-a456-426614174000',
      'column "col" (timeuuid): cannot convert "123e4567-e89b-42d3-a456-426614174000" — a timeuuid must be a version 1 UUID, this is version 4',
    ],
    ['inet', 'example.com', 'column "col" (inet): cannot convert "example.com" — not an IPv4 or IPv6 address'],
    ['blob', 'not base64!', 'column "col" (blob): cannot convert "not base64!" — not base64 nor a 0x hex blob literal'],
    ['list<int>', [1, 'x'], 'column "col" (list<int>): cannot convert "x" at [1] (int) — not an integer'],
    ['list<int>', [1, null], 'column "col" (list<int>): cannot convert null at [1] (int) — a collection cannot contain null'],
    ['list<int>', 'nope', 'column "col" (list<int>): cannot convert "nope" — text is not JSON'],
    ['map<text, int>', { a: 'x' }, 'column "col" (map<text, int>): cannot convert "x" at {"a"} (int) — not an integer'],
    ['map<int, text>', { x: 'a' }, 'column "col" (map<int, text>): cannot convert "x" at {"x"} key (int) — not an integer'],
    ['tuple<int, text>', [1], 'column "col" (tuple<int, text>): cannot convert [1] — a tuple<int, text> has 2 elements, not 1'],
    [
      'frozen<address>',
      { street: 'a', city: 'b' },
      'column "col" (frozen<address>): cannot convert {"street":"a","city":"b"} — unknown field "city" (address has street, zip)',
    ],
    ['frozen<address>', { zip: 'x' }, 'column "col" (frozen<address>): cannot convert "x" at .zip (int) — not an integer'],
    ['vector<float, 3>', [1, 2], 'column "col" (vector<float, 3>): cannot convert [1,2] — expected 3 elements, got 2'],
    [
      'list<frozen<list<int>>>',
      [[1], [2, 'x']],
      'column "col" (list<frozen<list<int>>>): cannot convert "x" at [1][1] (int) — not an integer',
    ],
  ])('rejects %s %j as poison naming column, type and value', (type, value, message) => {
    expect(failure(type, value)).toContain(message);
  });
});
