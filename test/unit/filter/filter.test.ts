import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { createRecordFilter, parseRecordFilter, validateFilterPatterns, type FilterPattern } from '../../../lambdas/core/filter/index.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const text = (value: string): Buffer => Buffer.from(value, 'utf8');
const passes = (patterns: FilterPattern[], value: Buffer | null): boolean => createRecordFilter(patterns, 'test').matches({ value });
const one = (pattern: FilterPattern, value: Buffer | null): boolean => passes([pattern], value);

describe('filter evaluation: JSON values', () => {
  it('equals a string, a boolean, null and the empty string', () => {
    expect(one({ value: { status: ['PAID'] } }, json({ status: 'PAID' }))).toBe(true);
    expect(one({ value: { status: ['PAID'] } }, json({ status: 'paid' }))).toBe(false);
    expect(one({ value: { gift: [true] } }, json({ gift: true }))).toBe(true);
    expect(one({ value: { gift: [true] } }, json({ gift: 'true' }))).toBe(false);
    expect(one({ value: { coupon: [null] } }, json({ coupon: null }))).toBe(true);
    expect(one({ value: { coupon: [null] } }, json({}))).toBe(false);
    expect(one({ value: { note: [''] } }, json({ note: '' }))).toBe(true);
    expect(one({ value: { note: [''] } }, json({ note: ' ' }))).toBe(false);
  });

  it('matches numbers by their JSON text, as Lambda does (300 is not 300.0)', () => {
    expect(one({ value: { price: [300] } }, text('{"price": 300}'))).toBe(true);
    expect(one({ value: { price: [300] } }, text('{"price": 300.0}'))).toBe(false);
    expect(one({ value: { price: [300] } }, text('{"price": 3.0e2}'))).toBe(false);
    expect(one({ value: { price: [300] } }, json({ price: '300' }))).toBe(false);
  });

  it('ORs the values of one field and ANDs the fields', () => {
    const pattern = { value: { status: ['PAID', 'SHIPPED'], country: ['FR'] } };
    expect(one(pattern, json({ status: 'SHIPPED', country: 'FR' }))).toBe(true);
    expect(one(pattern, json({ status: 'PAID', country: 'DE' }))).toBe(false);
    expect(one(pattern, json({ status: 'NEW', country: 'FR' }))).toBe(false);
  });

  it('ORs the filters', () => {
    const patterns = [{ value: { status: ['PAID'] } }, { value: { priority: [{ numeric: ['>=', 5] }] } }];
    expect(passes(patterns, json({ status: 'PAID', priority: 1 }))).toBe(true);
    expect(passes(patterns, json({ status: 'NEW', priority: 7 }))).toBe(true);
    expect(passes(patterns, json({ status: 'NEW', priority: 1 }))).toBe(false);
  });

  it('descends into nested objects and matches any element of an array', () => {
    expect(one({ value: { customer: { tier: ['gold'] } } }, json({ customer: { tier: 'gold' } }))).toBe(true);
    expect(one({ value: { customer: { tier: ['gold'] } } }, json({ customer: 'gold' }))).toBe(false);
    expect(one({ value: { tags: ['vip'] } }, json({ tags: ['new', 'vip'] }))).toBe(true);
    expect(one({ value: { tags: ['vip'] } }, json({ tags: [] }))).toBe(false);
    expect(one({ value: { lines: { sku: [{ prefix: 'B-' }] } } }, json({ lines: [{ sku: 'A-1' }, { sku: 'B-2' }] }))).toBe(true);
  });

  it('prefix, suffix and equals-ignore-case match strings only', () => {
    expect(one({ value: { id: [{ prefix: 'AB' }] } }, json({ id: 'AB1234' }))).toBe(true);
    expect(one({ value: { id: [{ prefix: 'AB' }] } }, json({ id: 'XAB' }))).toBe(false);
    expect(one({ value: { file: [{ suffix: '.png' }] } }, json({ file: 'a.png' }))).toBe(true);
    expect(one({ value: { file: [{ suffix: '.png' }] } }, json({ file: 'a.PNG' }))).toBe(false);
    expect(one({ value: { city: [{ 'equals-ignore-case': 'paris' }] } }, json({ city: 'PaRiS' }))).toBe(true);
    expect(one({ value: { city: [{ 'equals-ignore-case': 'paris' }] } }, json({ city: 'Parisien' }))).toBe(false);
    expect(one({ value: { n: [{ prefix: '1' }] } }, json({ n: 12 }))).toBe(false);
  });

  it('anything-but excludes listed values but needs the field', () => {
    const pattern = { value: { status: [{ 'anything-but': ['CANCELLED', 'TEST'] }] } };
    expect(one(pattern, json({ status: 'PAID' }))).toBe(true);
    expect(one(pattern, json({ status: 'TEST' }))).toBe(false);
    expect(one(pattern, json({}))).toBe(false);
    expect(one({ value: { code: [{ 'anything-but': 404 }] } }, json({ code: 200 }))).toBe(true);
    expect(one({ value: { code: [{ 'anything-but': 404 }] } }, json({ code: 404 }))).toBe(false);
  });

  it('numeric compares values, with ranges', () => {
    const range = { value: { price: [{ numeric: ['>', 10, '<=', 20] }] } };
    expect(one(range, json({ price: 10 }))).toBe(false);
    expect(one(range, json({ price: 10.5 }))).toBe(true);
    expect(one(range, json({ price: 20 }))).toBe(true);
    expect(one(range, json({ price: 20.01 }))).toBe(false);
    expect(one(range, json({ price: '15' }))).toBe(false);
    expect(one({ value: { price: [{ numeric: ['=', 300] }] } }, text('{"price": 300.0}'))).toBe(true);
    expect(one({ value: { price: [{ numeric: ['<', 0] }] } }, json({ price: -1 }))).toBe(true);
  });

  it('exists true needs a value, exists false its absence (an object is not a value)', () => {
    expect(one({ value: { email: [{ exists: true }] } }, json({ email: 'a@b' }))).toBe(true);
    expect(one({ value: { email: [{ exists: true }] } }, json({ phone: '1' }))).toBe(false);
    expect(one({ value: { email: [{ exists: false }] } }, json({ phone: '1' }))).toBe(true);
    expect(one({ value: { email: [{ exists: false }] } }, json({ email: null }))).toBe(false);
    expect(one({ value: { address: [{ exists: true }] } }, json({ address: { city: 'x' } }))).toBe(false);
    expect(one({ value: { customer: { email: [{ exists: false }] } } }, json({}))).toBe(true);
  });

  it('a JSON pattern never matches a plain-string or absent value', () => {
    expect(one({ value: { status: ['PAID'] } }, text('PAID'))).toBe(false);
    expect(one({ value: { status: [{ 'anything-but': ['x'] }] } }, text('not json'))).toBe(false);
    expect(one({ value: { status: ['PAID'] } }, null)).toBe(false);
    expect(one({ value: { status: ['PAID'] } }, json(['PAID']))).toBe(false);
  });
});

describe('filter evaluation: plain-string values', () => {
  it('matches the whole text of a value that is not a JSON object', () => {
    expect(one({ value: [{ 'anything-but': ['error'] }] }, text('all good'))).toBe(true);
    expect(one({ value: [{ 'anything-but': ['error'] }] }, text('error'))).toBe(false);
    expect(one({ value: ['hello'] }, text('hello'))).toBe(true);
    expect(one({ value: [{ prefix: 'WARN' }] }, text('WARN disk'))).toBe(true);
    // A JSON scalar is not a JSON object: its text is matched.
    expect(one({ value: ['42'] }, text('42'))).toBe(true);
  });

  it('never matches a JSON object value', () => {
    expect(one({ value: [{ 'anything-but': ['error'] }] }, json({ status: 'ok' }))).toBe(false);
  });

  it('a tombstone has no value: only exists false matches it', () => {
    expect(one({ value: [{ exists: false }] }, null)).toBe(true);
    expect(one({ value: [{ 'anything-but': ['error'] }] }, null)).toBe(false);
  });

  it('binary values are matched as their UTF-8 text', () => {
    expect(one({ value: [{ prefix: 'A' }] }, Buffer.from([0x41, 0xff, 0x00]))).toBe(true);
    expect(one({ value: ['B'] }, Buffer.from([0xff]))).toBe(false);
  });
});

describe('no filters', () => {
  it('lets every record through', () => {
    expect(passes([], null)).toBe(true);
    expect(parseRecordFilter(undefined, 'KAFKA_FILTERS').matches({ value: text('x') })).toBe(true);
    expect(parseRecordFilter('', 'KAFKA_FILTERS').patterns).toEqual([]);
  });
});

describe('validation', () => {
  const problems = (patterns: unknown): string[] =>
    validateFilterPatterns(patterns).map((issue) => `${issue.path.join('.')}: ${issue.message}`);

  it('accepts every supported operator', () => {
    expect(
      validateFilterPatterns([
        {
          value: {
            a: ['x', 1, true, null, ''],
            b: [{ prefix: 'p' }, { suffix: 's' }, { 'equals-ignore-case': 'E' }],
            c: { d: [{ exists: false }] },
          },
        },
        { value: { e: [{ 'anything-but': ['x', 'y'] }, { 'anything-but': 3 }, { numeric: ['>=', 1, '<', 2] }, { numeric: ['=', 5] }] } },
        { value: [{ 'anything-but': ['error'] }] },
      ]),
    ).toEqual([]);
  });

  it('rejects operators Lambda does not take for Kafka, with their path', () => {
    expect(problems([{ value: { a: [{ wildcard: 'x*' }] } }])).toEqual([
      expect.stringMatching(/^0\.value\.a\.0\.wildcard: operator "wildcard" is not supported/),
    ]);
    expect(problems([{ value: { a: [{ cidr: '10.0.0.0/8' }] } }])).toEqual([
      expect.stringMatching(/^0\.value\.a\.0\.cidr: operator "cidr"/),
    ]);
    expect(problems([{ value: { $or: [{ a: ['x'] }, { b: ['y'] }] } }])).toEqual([
      expect.stringMatching(/^0\.value\.\$or: "\$or" is not supported/),
    ]);
    expect(problems([{ value: { a: [{ 'anything-but': { prefix: 'x' } }] } }])).toEqual([
      expect.stringMatching(/^0\.value\.a\.0\.anything-but: "anything-but" takes/),
    ]);
    expect(problems([{ value: { a: [{ prefix: { 'equals-ignore-case': 'x' } }] } }])).toEqual([
      expect.stringMatching(/^0\.value\.a\.0\.prefix: "prefix" takes a string/),
    ]);
  });

  it('rejects metadata keys: Kafka filters the value only', () => {
    expect(problems([{ topic: ['orders'] }])).toEqual([
      '0: a filter pattern must name "value"',
      expect.stringMatching(/^0\.topic: Kafka event source mappings filter on "value" only/),
    ]);
    expect(problems([{ value: { a: ['x'] }, key: ['k'] }])).toEqual([
      expect.stringMatching(/^0\.key: Kafka event source mappings filter on "value" only/),
    ]);
  });

  it('rejects malformed patterns', () => {
    expect(problems([{ value: { a: 'PAID' } }])).toEqual(['0.value.a: expected an array of match values or a nested object of fields']);
    expect(problems([{ value: { a: [] } }])).toEqual(['0.value.a: an empty list matches nothing: give at least one value']);
    expect(problems([{ value: {} }])).toEqual(['0.value: an empty object matches nothing: name at least one field']);
    expect(problems([{ value: 'x' }])).toEqual([expect.stringMatching(/^0\.value: expected an object of fields/)]);
    expect(problems([{ value: { a: [{ prefix: 'x', suffix: 'y' }] } }])).toEqual([
      expect.stringMatching(/^0\.value\.a\.0: an operator object has exactly one operator/),
    ]);
    expect(problems([{ value: { a: [{ numeric: ['>', 'ten'] }] } }])).toEqual([
      '0.value.a.0.numeric: "numeric" bound after > must be a number',
    ]);
    expect(problems([{ value: { a: [{ numeric: ['!=', 1] }] } }])).toEqual([
      '0.value.a.0.numeric: "numeric" operator "!=" is not one of = < <= > >=',
    ]);
    expect(problems([{ value: { a: [{ numeric: ['<', 5, '>', 1] }] } }])).toEqual([
      expect.stringMatching(/lower bound \(> or >=\) followed by an upper bound/),
    ]);
    expect(problems([{ value: { a: [{ numeric: ['>', 5, '<', 1] }] } }])).toEqual([
      expect.stringMatching(/lower bound below its upper bound/),
    ]);
    expect(problems([{ value: { a: [{ exists: 'yes' }] } }])).toEqual(['0.value.a.0.exists: "exists" takes true or false']);
    expect(problems([{ value: { a: [[1]] } }])).toEqual(['0.value.a.0: expected a string, number, boolean, null or an operator object']);
    expect(problems('x')).toEqual([': expected an array of filter patterns']);
    expect(problems([1])).toEqual([expect.stringMatching(/^0: expected a filter pattern object/)]);
    expect(problems(Array.from({ length: 6 }, () => ({ value: { a: ['x'] } })))).toEqual([expect.stringMatching(/at most 5 filters/)]);
  });

  it('createRecordFilter and parseRecordFilter fail with a ConfigError naming the source, path and value', () => {
    expect(() => createRecordFilter([{ value: { status: [{ wildcard: 'P*' }] } }], 'KAFKA_FILTERS')).toThrow(ConfigError);
    expect(() => createRecordFilter([{ value: { status: [{ wildcard: 'P*' }] } }], 'KAFKA_FILTERS')).toThrow(
      /^KAFKA_FILTERS: 0\.value\.status\.0\.wildcard: operator "wildcard" is not supported.*\(got "P\*"\)$/,
    );
    expect(() => parseRecordFilter('{not json', '--filters')).toThrow(/^--filters: not JSON/);
    expect(parseRecordFilter('[{"value":{"status":["PAID"]}}]', 'KAFKA_FILTERS').matches({ value: json({ status: 'PAID' }) })).toBe(true);
  });
});

describe('properties', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));

  it('a record passes a list of filters exactly when it passes one of them', () => {
    const pattern = fc.record({ value: fc.record({ a: fc.array(scalar, { minLength: 1, maxLength: 3 }) }) });
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 5 }), scalar, (patterns, a) => {
        const value = json({ a });
        expect(passes(patterns, value)).toBe(patterns.some((p) => one(p, value)));
      }),
    );
  });

  it('anything-but of a list is the negation of listing the same values, for a present field', () => {
    const values = fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -50, max: 50 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(values, fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -50, max: 50 })), (listed, a) => {
        const value = json({ a });
        expect(one({ value: { a: [{ 'anything-but': listed }] } }, value)).toBe(!one({ value: { a: listed } }, value));
      }),
    );
  });

  it('a numeric range is the AND of its two bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100, max: 100 }),
        fc.integer({ min: -100, max: 100 }),
        fc.double({ min: -200, max: 200, noNaN: true }),
        (x, y, price) => {
          const [low, high] = x <= y ? [x, y] : [y, x];
          const value = json({ price });
          expect(one({ value: { price: [{ numeric: ['>=', low, '<', high] }] } }, value)).toBe(
            one({ value: { price: [{ numeric: ['>=', low] }] } }, value) && one({ value: { price: [{ numeric: ['<', high] }] } }, value),
          );
        },
      ),
    );
  });
});
