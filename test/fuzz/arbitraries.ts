import { types } from 'cassandra-driver';
import fc from 'fast-check';
import type { CodecSettings } from '../../lambdas/core/codecs/settings.js';
import { longFromBigInt } from '../../lambdas/core/cql/convert-support.js';
import { NATIVE_TYPES, type CqlType, type UdtDefinition, type UdtLookup } from '../../lambdas/core/cql/types.js';

/*
 * Generators shared by the fuzz properties: values of every shape a decoder
 * can hand to a converter (JSON values, long numbers kept as BigInt or text,
 * Buffers, Dates, driver values from Avro logical types, Maps), strings close
 * to what each CQL type accepts, CQL types of every kind, and codec settings.
 */

/** Text that is almost, or exactly, what some converter accepts: the interesting edges. */
export const nearValidText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-0',
    '1',
    '-1',
    '1.5',
    '.5',
    '5.',
    '.',
    '-',
    '+',
    'e',
    '1e',
    '1e999999999',
    '1e-999999999',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '170141183460469231731687303715884105728',
    '1' + '0'.repeat(400),
    '0.' + '0'.repeat(300) + '1',
    'NaN',
    'Infinity',
    '-Infinity',
    'true',
    'yes',
    'Y',
    'null',
    '[]',
    '{}',
    '[1,2,3]',
    '[[1,2],[3,4]]',
    '{"a":1}',
    '{"key":1,"value":2}',
    '[{"key":"k","value":"v"}]',
    '["a",null]',
    '2024-01-15',
    '2024-01-15T10:30:00Z',
    '2024-01-15 10:30:00.123+0100',
    '2024-02-30',
    '+999999999-12-31',
    '-999999999-01-01',
    '+1000000-01-01T00:00:00Z',
    '24:00:00',
    '23:59:59.999999999',
    '10:30',
    '1h30m',
    '-1h30m',
    '1y2mo3w4d5h6m7s8ms9us10ns',
    '99999999999y',
    '9223372036854775807ns',
    '9223372036854775808ns',
    'P1DT2H',
    'P',
    'PT',
    'P2W',
    'P0001-02-03T04:05:06',
    'P9999999999Y',
    '123e4567-e89b-12d3-a456-426614174000',
    '5c8b5a50-b2f4-11ee-8c90-0242ac120002',
    '00000000-0000-0000-0000-000000000000',
    '127.0.0.1',
    '::1',
    '::ffff:1.2.3.4',
    'fe80::1%eth0',
    'fe80::1%25eth0',
    '1.2.3.4%eth0',
    '256.1.1.1',
    '0x',
    '0xCAFE',
    '0xCAF',
    'AAEC',
    'AA==',
    'AAE',
    '-_-_',
    '\u0000',
    '\uD800',
    'é',
  ),
  fc.stringMatching(/^[+-]?\d{0,40}(\.\d{0,40})?([eE][+-]?\d{1,12})?$/),
  fc.stringMatching(/^-?P(\d{1,12}[YMWD])*(T(\d{1,12}[HMS])*)?$/),
  fc.stringMatching(/^-?(\d{1,20}(y|mo|w|d|h|m|s|ms|us|µs|ns)){1,4}$/),
  fc.stringMatching(/^[+-]?\d{1,10}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,12})?)?)?(Z|[+-]\d{2}:?\d{2}| [A-Z]{3,4})?$/),
  fc.stringMatching(/^\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,12})?)?$/),
  fc.uuid().map((uuid) => uuid),
  fc.ipV4(),
  fc.ipV6(),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ maxLength: 24 }),
);

const driverValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => new types.Uuid(Buffer.from(bytes))),
  fc.constant(null).map(() => types.TimeUuid.now()),
  fc
    .record({
      year: fc.integer({ min: -300_000, max: 300_000 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ year, month, day }) => {
      try {
        return new types.LocalDate(year, month, day);
      } catch {
        return new types.LocalDate(2000, month, day);
      }
    }),
  fc.integer({ min: 0, max: 86_399_999 }).map((millis) => types.LocalTime.fromMilliseconds(millis)),
  fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -40, max: 40 })).map(([unscaled, scale]) => {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(scale);
    return types.BigDecimal.fromBuffer(Buffer.concat([buffer, types.Integer.toBuffer(types.Integer.fromString(unscaled.toString()))]));
  }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(longFromBigInt),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((n) => types.Integer.fromString(n.toString())),
  fc
    .tuple(fc.integer(), fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))
    .map(([months, days, nanos]) => new types.Duration(months, days, longFromBigInt(nanos))),
  fc.ipV4().map((ip) => types.InetAddress.fromString(ip)),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => new types.InetAddress(Buffer.from(bytes))),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }).map((items) => types.Tuple.fromArray(items)),
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom(null, true, false, 0, -0, 1, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    weight: 2,
  },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.double(), weight: 2 },
  { arbitrary: fc.maxSafeInteger(), weight: 1 },
  { arbitrary: fc.bigInt(), weight: 2 },
  { arbitrary: fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), weight: 1 },
  { arbitrary: nearValidText, weight: 6 },
  { arbitrary: fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 20 }), weight: 1 },
  { arbitrary: fc.date({ noInvalidDate: false }), weight: 2 },
  { arbitrary: driverValue, weight: 2 },
);

/** Any value a decoder (json, string, bytes, avro) or a header can yield, nested. */
export const decodedValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: scalar, weight: 6 },
    { arbitrary: fc.array(tie('value'), { maxLength: 5 }), weight: 2 },
    {
      arbitrary: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('key', 'value', 'street', 'zip', '__proto__', 'constructor')),
        tie('value'),
        { maxKeys: 4 },
      ),
      weight: 2,
    },
    { arbitrary: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((pairs) => new Map(pairs)), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)), weight: 1 },
  ),
})).value;

/** The user-defined types the fuzzer's lookup knows, built from other CQL types. */
const UDTS: Record<string, UdtDefinition> = {
  address: {
    keyspace: 'ks',
    name: 'address',
    fields: [
      { name: 'street', type: { kind: 'text' } },
      { name: 'zip', type: { kind: 'int' } },
      { name: 'tags', type: { kind: 'set', element: { kind: 'text' }, frozen: true } },
    ],
  },
  'Mixed Case': {
    keyspace: 'ks',
    name: 'Mixed Case',
    fields: [
      { name: 'when', type: { kind: 'timestamp' } },
      { name: 'Amount', type: { kind: 'decimal' } },
    ],
  },
};

export const udtLookup: UdtLookup = (name) => UDTS[name];

const nativeType: fc.Arbitrary<CqlType> = fc.constantFrom(...NATIVE_TYPES).map((kind) => ({ kind }));

/** Every kind of CQL type, nested a few levels. */
export const cqlType: fc.Arbitrary<CqlType> = fc.letrec<{ type: CqlType }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: nativeType, weight: 6 },
    {
      arbitrary: fc.record({ kind: fc.constantFrom('list' as const, 'set' as const), element: tie('type'), frozen: fc.boolean() }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant('map' as const), key: tie('type'), value: tie('type'), frozen: fc.boolean() }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('tuple' as const),
        elements: fc.array(tie('type'), { minLength: 1, maxLength: 3 }),
        frozen: fc.boolean(),
      }),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...Object.values(UDTS)), fc.boolean())
        .map(([udt, frozen]): CqlType => ({ kind: 'udt', ...udt, frozen })),
      weight: 1,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('vector' as const), element: tie('type'), dimension: fc.integer({ min: 1, max: 4 }) }),
      weight: 1,
    },
  ),
})).type;

/** Codec settings: the defaults mostly, some presets, patterns, zones and units. */
export const codecSettings: fc.Arbitrary<CodecSettings> = fc.record({
  locale: fc.constantFrom('en_US', 'en', 'fr_FR', 'de'),
  timeZone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', '+05:30', 'Z'),
  timestamp: fc.constantFrom(
    'CQL_TIMESTAMP',
    'CQL_TIMESTAMP',
    'ISO_ZONED_DATE_TIME',
    'ISO_INSTANT',
    'ISO_LOCAL_DATE_TIME',
    'UNITS_SINCE_EPOCH',
    'yyyy-MM-dd HH:mm:ss',
    'dd/MMM/yyyy',
  ),
  date: fc.constantFrom('ISO_LOCAL_DATE', 'ISO_LOCAL_DATE', 'yyyyMMdd', 'dd.MM.uuuu', 'ISO_DATE_TIME'),
  time: fc.constantFrom('ISO_LOCAL_TIME', 'ISO_LOCAL_TIME', 'HH:mm', 'HHmmss', 'ISO_OFFSET_TIME', 'ISO_DATE_TIME'),
  unit: fc.constantFrom('NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'),
});

const integerText = (min: bigint, max: bigint): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.bigInt({ min: min - 2n, max: max + 2n }),
    fc.bigInt({ min, max }).map(String),
    fc.integer({ min: Number(min > -(2n ** 53n) ? min : -(2n ** 53n)), max: Number(max < 2n ** 53n ? max : 2n ** 53n) }),
  );

/** Values aimed at one CQL type (mostly convertible, some just outside), nested for collections; junk mixed in. */
export function valueFor(type: CqlType): fc.Arbitrary<unknown> {
  const junk = { arbitrary: decodedValue, weight: 1 };
  const aimed = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary, weight: 5 }, junk);
  switch (type.kind) {
    case 'ascii':
    case 'text':
    case 'varchar':
      return aimed(fc.oneof(fc.string(), fc.string({ unit: 'binary' })));
    case 'tinyint':
      return aimed(integerText(-128n, 127n));
    case 'smallint':
      return aimed(integerText(-32_768n, 32_767n));
    case 'int':
      return aimed(integerText(-(2n ** 31n), 2n ** 31n - 1n));
    case 'bigint':
    case 'counter':
      return aimed(integerText(-(2n ** 63n), 2n ** 63n - 1n));
    case 'varint':
      return aimed(fc.oneof(fc.bigInt(), fc.stringMatching(/^-?\d{1,60}(e\d{1,3})?$/)));
    case 'decimal':
    case 'float':
    case 'double':
      return aimed(fc.oneof(fc.double(), fc.float(), fc.stringMatching(/^-?\d{1,30}(\.\d{1,30})?([eE][+-]?\d{1,4})?$/), fc.bigInt()));
    case 'boolean':
      return aimed(fc.constantFrom(true, false, 'TRUE', ' no ', 'y', 1, 0, 2, 1n, 'maybe'));
    case 'timestamp':
    case 'date':
    case 'time':
      return aimed(
        fc.oneof(
          fc.date({ noInvalidDate: false }),
          fc.integer({ min: 0, max: 86_399_999 }),
          fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
          fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(11, 23)),
          nearValidText,
        ),
      );
    case 'duration':
      return aimed(fc.oneof(nearValidText, fc.stringMatching(/^-?(\d{1,12}(y|mo|w|d|h|m|s|ms|us|ns)){1,3}$/)));
    case 'uuid':
    case 'timeuuid':
      return aimed(
        fc.oneof(
          fc.uuid(),
          fc.uuid({ version: 1 }),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.constant(null).map(() => types.TimeUuid.now()),
        ),
      );
    case 'inet':
      return aimed(
        fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.ipV4Extended(),
          fc.uint8Array({ minLength: 4, maxLength: 4 }),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
        ),
      );
    case 'blob':
      return aimed(
        fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.base64String({ maxLength: 16 }), fc.stringMatching(/^0x([0-9a-f]{2}){0,8}$/)),
      );
    case 'list':
    case 'set':
      return aimed(fc.array(valueFor(type.element), { maxLength: 4 }));
    case 'vector':
      return aimed(fc.array(valueFor(type.element), { minLength: type.dimension - 1, maxLength: type.dimension + 1 }));
    case 'tuple':
      return aimed(fc.tuple(...type.elements.map(valueFor)));
    case 'map':
      return aimed(
        fc.oneof(
          fc.array(fc.tuple(valueFor(type.key), valueFor(type.value)), { maxLength: 3 }).map((pairs) => new Map(pairs)),
          fc.array(fc.tuple(valueFor(type.key), valueFor(type.value)), { maxLength: 3 }),
          fc.dictionary(fc.string({ maxLength: 6 }), valueFor(type.value), { maxKeys: 3 }),
        ),
      );
    case 'udt':
      return aimed(fc.record(Object.fromEntries(type.fields.map((field) => [field.name, valueFor(field.type)])), { requiredKeys: [] }));
  }
}

/** A CQL type and a value aimed at it. */
export const typedValue: fc.Arbitrary<{ type: CqlType; value: unknown }> = cqlType.chain((type) =>
  valueFor(type).map((value) => ({ type, value })),
);
