import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';
import {
  formatCqlType,
  NATIVE_TYPES,
  parseCqlType,
  type CqlType,
  type UdtDefinition,
  type UdtLookup,
} from '../../../lambdas/core/cql/types.js';

const address: UdtDefinition = {
  keyspace: 'shop',
  name: 'address',
  fields: [
    { name: 'street', type: { kind: 'text' } },
    { name: 'zip', type: { kind: 'int' } },
  ],
};
const quoted: UdtDefinition = { keyspace: 'shop', name: 'My Type', fields: [{ name: 'a', type: { kind: 'int' } }] };
const lookup: UdtLookup = (name) => [address, quoted].find((udt) => udt.name === name);

describe('parseCqlType', () => {
  it('parses system_schema type strings', () => {
    expect(parseCqlType('frozen<map<text, list<int>>>')).toEqual({
      kind: 'map',
      key: { kind: 'text' },
      value: { kind: 'list', element: { kind: 'int' }, frozen: false },
      frozen: true,
    });
    expect(parseCqlType('vector<float, 3>')).toEqual({ kind: 'vector', element: { kind: 'float' }, dimension: 3 });
    expect(parseCqlType('tuple<int, text>')).toEqual({ kind: 'tuple', elements: [{ kind: 'int' }, { kind: 'text' }], frozen: false });
    expect(parseCqlType(' TEXT ')).toEqual({ kind: 'text' });
    expect(parseCqlType('frozen<address>', lookup)).toEqual({ kind: 'udt', ...address, frozen: true });
    expect(parseCqlType('shop.address', lookup)).toMatchObject({ kind: 'udt', name: 'address' });
    expect(parseCqlType('"My Type"', lookup)).toMatchObject({ kind: 'udt', name: 'My Type' });
  });

  it.each([
    ['map<text,>', 9, 'expected a type'],
    ['list<int', 8, 'expected ">"'],
    ['frozen<int>', 0, 'frozen<> applies to collections'],
    ['vector<float, 0>', 14, 'positive integer'],
    ['address', 0, 'unknown type "address"'],
    ["'org.apache.cassandra.db.marshal.BytesType'", 0, 'custom'],
    ['int extra', 4, 'unexpected text'],
    ['"unterminated', 0, 'unterminated'],
  ])('rejects %s with a ConfigError naming the position', (text, position, reason) => {
    let error: unknown;
    try {
      parseCqlType(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(JSON.stringify(text));
    expect((error as Error).message).toContain(`at position ${position}`);
    expect((error as Error).message).toContain(reason);
  });

  it('formats like Cassandra', () => {
    expect(formatCqlType(parseCqlType('frozen<map<text,list<int>>>'))).toBe('frozen<map<text, list<int>>>');
    expect(formatCqlType(parseCqlType('"My Type"', lookup))).toBe('"My Type"');
  });

  const typeArbitrary: fc.Arbitrary<CqlType> = fc.letrec<{ type: CqlType }>((tie) => ({
    type: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...NATIVE_TYPES).map((kind): CqlType => ({ kind })),
      fc.record({ kind: fc.constantFrom('list' as const, 'set' as const), element: tie('type'), frozen: fc.boolean() }),
      fc.record({ kind: fc.constant('map' as const), key: tie('type'), value: tie('type'), frozen: fc.boolean() }),
      fc.record({
        kind: fc.constant('tuple' as const),
        elements: fc.array(tie('type'), { minLength: 1, maxLength: 3 }),
        frozen: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('vector' as const), element: tie('type'), dimension: fc.integer({ min: 1, max: 4096 }) }),
      fc.constantFrom(address, quoted).chain((udt) => fc.boolean().map((frozen): CqlType => ({ kind: 'udt', ...udt, frozen }))),
    ),
  })).type;

  it('round-trips every type through format and parse', () => {
    fc.assert(
      fc.property(typeArbitrary, (type) => {
        expect(parseCqlType(formatCqlType(type), lookup)).toEqual(type);
      }),
    );
  });

  it('raises only ConfigError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseCqlType(text, lookup);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
    );
  });
});
