import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { mappedColumns, specialSource } from '../../../lambdas/core/mapping/ast.js';
import { formatMapping } from '../../../lambdas/core/mapping/format.js';
import { parseMapping } from '../../../lambdas/core/mapping/parse.js';

function problemsOf(text: string): readonly string[] {
  try {
    parseMapping(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseMapping: the connector grammar', () => {
  it('reads every source kind of the connector', () => {
    expect(parseMapping('a=key, b=value, c=key.f, d=value.f, e=header.h, f=now(), __ttl=value.x, __timestamp=value.y')).toEqual([
      { target: 'column', column: 'a', source: { kind: 'key', path: [] } },
      { target: 'column', column: 'b', source: { kind: 'value', path: [] } },
      { target: 'column', column: 'c', source: { kind: 'key', path: ['f'] } },
      { target: 'column', column: 'd', source: { kind: 'value', path: ['f'] } },
      { target: 'column', column: 'e', source: { kind: 'header', name: 'h' } },
      { target: 'column', column: 'f', source: { kind: 'function', name: 'now' } },
      { target: 'ttl', source: { kind: 'value', path: ['x'] } },
      { target: 'timestamp', source: { kind: 'value', path: ['y'] } },
    ]);
  });

  it('tolerates whitespace and newlines anywhere between tokens', () => {
    expect(parseMapping('\n  a =  value . f ,\tb=now ( )\r\n')).toEqual(parseMapping('a=value.f,b=now()'));
  });

  it('lower-cases unquoted columns as CQL does and keeps quoted ones, with "" escapes', () => {
    const mapping = parseMapping('OrderId=key, "CamelCase"=value.x, "with ""quote"" and, comma"=value.y');
    expect(mappedColumns(mapping).map((entry) => entry.column)).toEqual(['orderid', 'CamelCase', 'with "quote" and, comma']);
  });

  it('keeps record field names case-sensitive', () => {
    expect(parseMapping('a=value.CustomerId')[0]?.source).toEqual({ kind: 'value', path: ['CustomerId'] });
  });

  it('reads a quoted "__ttl" as a real column, the unquoted one as the TTL target', () => {
    const mapping = parseMapping('"__ttl"=value.a, __TTL=value.b');
    expect(mapping[0]).toEqual({ target: 'column', column: '__ttl', source: { kind: 'value', path: ['a'] } });
    expect(specialSource(mapping, 'ttl')).toEqual({ kind: 'value', path: ['b'] });
  });

  it('gives a whole quoted field the connector meaning: one top-level name after value.', () => {
    expect(parseMapping('a="value.a.b", b="key", c="header.x.y"').map((entry) => entry.source)).toEqual([
      { kind: 'value', path: ['a.b'] },
      { kind: 'key', path: [] },
      { kind: 'header', name: 'x.y' },
    ]);
  });
});

describe('parseMapping: beyond the connector', () => {
  it('reads value.a.b.c as a nested path', () => {
    expect(parseMapping('city=value.shipping.address.city')[0]?.source).toEqual({ kind: 'value', path: ['shipping', 'address', 'city'] });
  });

  it('addresses a top-level field with a dot by quoting the segment', () => {
    expect(parseMapping('x=value."a.b", y=key.outer."in-ner"').map((entry) => entry.source)).toEqual([
      { kind: 'value', path: ['a.b'] },
      { kind: 'key', path: ['outer', 'in-ner'] },
    ]);
  });

  it('keeps a dotted header name whole, as the connector does', () => {
    expect(parseMapping('h=header.trace.id')[0]?.source).toEqual({ kind: 'header', name: 'trace.id' });
  });
});

describe('parseMapping: errors name the position and the text there', () => {
  it.each([
    ['a=key, foo bar', 'mapping: expected \'=\' at position 11 near "bar"'],
    ['a=key,', 'mapping: expected a column name at position 6 (end of input)'],
    ['a=key b=value', 'mapping: expected \',\' or end of mapping at position 6 near "b=value"'],
    ['a=val.x', 'mapping: expected key, value, header.<name> or now() at position 2 near "val.x"'],
    ['a=value.', "mapping: expected a field name after '.' at position 8 (end of input)"],
    ['a=value..b', 'mapping: expected a field name after \'.\' at position 8 near ".b"'],
    ['a=header', 'mapping: expected header.<name> at position 2 near "header"'],
    ['a=uuid()', 'mapping: unknown function "uuid"; the only function is now() at position 2 near "uuid()"'],
    ['a=now(x)', 'mapping: expected \')\': functions take no arguments at position 6 near "x)"'],
    ['a=value.$x', 'mapping: unexpected character "$" at position 8 near "$x"'],
    ['"abc=value', 'mapping: unterminated quoted identifier at position 0 near "\\"abc=value"'],
    ['""=value', 'mapping: empty quoted identifier at position 0 near "\\"\\"=value"'],
    [
      'a="other.x"',
      'mapping: a quoted field must be "key", "value", "key.<field>", "value.<field>" or "header.<name>" at position 2 near "\\"other.x\\""',
    ],
  ])('%s', (text, problem) => {
    expect(problemsOf(text)).toEqual([problem]);
  });

  it('rejects an empty mapping', () => {
    expect(problemsOf('  ')).toEqual(['mapping: is empty; expected at least one column=field pair']);
  });

  it('lists every duplicate and now() used as TTL or write time', () => {
    expect(problemsOf('a=key, A=value, "a"=value.x, __ttl=now(), __timestamp=value.t, __timestamp=value.u')).toEqual([
      'mapping: column "a" is mapped twice (at positions 0 and 7)',
      'mapping: column "a" is mapped twice (at positions 0 and 16)',
      'mapping: __ttl cannot be now() (at position 29); it needs a number from the record',
      'mapping: __timestamp is mapped twice (at positions 42 and 63)',
    ]);
  });
});

describe('formatMapping', () => {
  it('prints the canonical form, quoting only where needed', () => {
    const text = 'Id = key, "Name"=value.customer."full name", __ttl=value.ttl, "__timestamp"=header.ts, n=now(), h=header."a b"';
    expect(formatMapping(parseMapping(text))).toBe(
      'id=key, "Name"=value.customer."full name", __ttl=value.ttl, "__timestamp"=header.ts, n=now(), h=header."a b"',
    );
  });
});
