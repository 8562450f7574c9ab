import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';
import type { Mapping, MappingEntry, MappingSource } from '../../../lambdas/core/mapping/ast.js';
import { formatMapping } from '../../../lambdas/core/mapping/format.js';
import { parseMapping } from '../../../lambdas/core/mapping/parse.js';

const name = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/),
  fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('a', 'Z', '.', '"', ' ', ',', '=', '(', 'é', '_', '-') }),
);
const source: fc.Arbitrary<MappingSource> = fc.oneof(
  fc.record({ kind: fc.constantFrom('key' as const, 'value' as const), path: fc.array(name, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('header' as const), name }),
  fc.constant({ kind: 'function' as const, name: 'now' as const }),
);
const numericSource = source.filter((s) => s.kind !== 'function');

/** A valid mapping: unique column names (the parser lower-cases unquoted ones, so the printer quotes any upper case). */
const mapping: fc.Arbitrary<Mapping> = fc
  .tuple(
    fc.uniqueArray(fc.record({ column: name, source }), { minLength: 1, maxLength: 6, selector: (entry) => entry.column }),
    fc.option(numericSource, { nil: undefined }),
    fc.option(numericSource, { nil: undefined }),
  )
  .map(([columns, ttl, timestamp]) => {
    const entries: MappingEntry[] = columns.map((entry) => ({ target: 'column', ...entry }));
    if (ttl) entries.push({ target: 'ttl', source: ttl });
    if (timestamp) entries.push({ target: 'timestamp', source: timestamp });
    return entries;
  });

describe('mapping properties', () => {
  it('every valid mapping survives a format/parse round trip', () => {
    fc.assert(
      fc.property(mapping, (ast) => {
        expect(parseMapping(formatMapping(ast))).toEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  it('any string either parses or raises a ConfigError, and what parses prints back stably', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 40, unit: fc.constantFrom('a', 'key', 'value', 'header', 'now', '.', '"', '=', ',', '(', ')', ' ', '__ttl') }),
    );
    fc.assert(
      fc.property(text, (input) => {
        let parsed: Mapping;
        try {
          parsed = parseMapping(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).problems.every((problem) => problem.startsWith('mapping: '))).toBe(true);
          return;
        }
        expect(parseMapping(formatMapping(parsed))).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });
});
