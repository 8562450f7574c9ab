import { ConfigError, showValue } from '../errors.js';
import type { Mapping, MappingEntry, MappingSource } from './ast.js';
import { mappingSyntaxError, tokenize, type Token } from './lexer.js';

/**
 * Parses a mapping such as `id=key, name=value.customer.name, __ttl=value.ttl`.
 *
 * Compatible with the DataStax connector's grammar, with two deliberate
 * differences in meaning, both beyond what the connector can express:
 *  - `value.a.b` is a nested path (the connector reads a top-level field
 *    literally named `a.b`; write `value."a.b"` for that here);
 *  - unquoted column names are lower-cased, as CQL does (the connector takes
 *    them literally; `convertConnectorConfig` quotes mixed-case ones).
 * A whole quoted field (`"value.a.b"`) keeps the connector's meaning: the
 * text after `value.` is one top-level field name.
 *
 * Throws ConfigError: a syntax error gives the position and the text there;
 * otherwise every semantic problem (duplicates, now() as TTL) is listed.
 */
export function parseMapping(text: string): Mapping {
  const tokens = tokenize(text);
  const entries: { entry: MappingEntry; start: number }[] = [];
  let index = 0;
  const peek = (): Token => tokens[index] ?? { kind: 'end', start: text.length };
  const next = (): Token => {
    const token = peek();
    index += 1;
    return token;
  };
  const fail = (token: Token, message: string): ConfigError => mappingSyntaxError(text, token.start, message);

  if (peek().kind === 'end') throw new ConfigError('mapping: is empty; expected at least one column=field pair');
  for (;;) {
    const columnToken = next();
    if (columnToken.kind !== 'word' && columnToken.kind !== 'quoted') throw fail(columnToken, 'expected a column name');
    const equals = next();
    if (equals.kind !== '=') throw fail(equals, "expected '='");
    const source = parseSource();
    entries.push({ entry: makeEntry(columnToken, source), start: columnToken.start });
    const separator = next();
    if (separator.kind === 'end') break;
    if (separator.kind !== ',') throw fail(separator, "expected ',' or end of mapping");
  }
  checkEntries(entries);
  return entries.map(({ entry }) => entry);

  function parseSource(): MappingSource {
    const first = next();
    if (first.kind === 'quoted') return connectorQuotedField(first);
    if (first.kind !== 'word') throw fail(first, 'expected key, value, header.<name> or now()');
    if (peek().kind === '(') {
      next();
      const close = next();
      if (close.kind !== ')') throw fail(close, "expected ')': functions take no arguments");
      if (first.text.toLowerCase() !== 'now') throw fail(first, `unknown function ${showValue(first.text)}; the only function is now()`);
      return { kind: 'function', name: 'now' };
    }
    const path: string[] = [];
    while (peek().kind === '.') {
      next();
      const segment = next();
      if (segment.kind !== 'word' && segment.kind !== 'quoted') throw fail(segment, "expected a field name after '.'");
      path.push(segment.text);
    }
    switch (first.text) {
      case 'key':
      case 'value':
        return { kind: first.text, path };
      case 'header':
        if (path.length === 0) throw fail(first, 'expected header.<name>');
        // Header names are flat, so the connector's reading of `header.a.b` (a header named "a.b") is kept.
        return { kind: 'header', name: path.join('.') };
      default:
        throw fail(first, 'expected key, value, header.<name> or now()');
    }
  }

  function connectorQuotedField(token: Token & { kind: 'quoted' }): MappingSource {
    const field = token.text;
    if (field === 'key' || field === 'value') return { kind: field, path: [] };
    for (const kind of ['key', 'value'] as const) {
      if (field.startsWith(`${kind}.`) && field.length > kind.length + 1) return { kind, path: [field.slice(kind.length + 1)] };
    }
    if (field.startsWith('header.') && field.length > 'header.'.length) return { kind: 'header', name: field.slice('header.'.length) };
    throw fail(token, 'a quoted field must be "key", "value", "key.<field>", "value.<field>" or "header.<name>"');
  }
}

function makeEntry(token: Token & { kind: 'word' | 'quoted' }, source: MappingSource): MappingEntry {
  if (token.kind === 'quoted') return { target: 'column', column: token.text, source };
  const column = token.text.toLowerCase();
  if (column === '__ttl') return { target: 'ttl', source };
  if (column === '__timestamp') return { target: 'timestamp', source };
  return { target: 'column', column, source };
}

function checkEntries(entries: readonly { entry: MappingEntry; start: number }[]): void {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const { entry, start } of entries) {
    // Keyed by label: a quoted "__ttl" column and the __ttl target are different things.
    const label = entry.target === 'column' ? `column ${showValue(entry.column)}` : `__${entry.target}`;
    const earlier = seen.get(label);
    if (earlier === undefined) seen.set(label, start);
    else problems.push(`mapping: ${label} is mapped twice (at positions ${earlier} and ${start})`);
    if (entry.target !== 'column' && entry.source.kind === 'function') {
      problems.push(`mapping: ${label} cannot be now() (at position ${start}); it needs a number from the record`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
