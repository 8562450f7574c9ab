import type { MappingEntry } from '../mapping/ast.js';
import { formatMapping } from '../mapping/format.js';
import { tokenize } from '../mapping/lexer.js';
import { parseMapping } from '../mapping/parse.js';

/**
 * Rewrites a connector mapping so it means here what it meant there:
 *  - the connector takes unquoted column names literally (case kept), CQL
 *    lower-cases them: mixed-case columns get quoted;
 *  - the connector reads `value.a.b` as one top-level field "a.b", here it is
 *    a nested path: it becomes `value."a.b"`.
 * Returns the new text and what changed, or throws ConfigError when the
 * mapping does not parse.
 */
export function convertConnectorMapping(text: string): { mapping: string; changes: string[] } {
  const entries = parseMapping(text);
  const columnWords = connectorColumnWords(text);
  const changes: string[] = [];
  const converted = entries.map((entry, index): MappingEntry => {
    let result = entry;
    const word = columnWords[index];
    if (word !== undefined && word !== word.toLowerCase()) {
      // The connector only treats the exact lower-case __ttl/__timestamp as special.
      result = { target: 'column', column: word, source: entry.source };
      changes.push(`column ${word} is quoted to keep its case`);
    }
    const { source } = result;
    if ((source.kind === 'key' || source.kind === 'value') && source.path.length > 1) {
      const field = source.path.join('.');
      result = { ...result, source: { kind: source.kind, path: [field] } };
      changes.push(`${source.kind}.${field} reads the top-level field "${field}", as in the connector (write ${source.kind}.${field} unquoted for a nested path)`);
    }
    return result;
  });
  return { mapping: formatMapping(converted), changes };
}

/** The unquoted column word of each entry (undefined for a quoted column), from the tokens. */
function connectorColumnWords(text: string): (string | undefined)[] {
  const words: (string | undefined)[] = [];
  let atColumn = true;
  for (const token of tokenize(text)) {
    if (atColumn) {
      words.push(token.kind === 'word' ? token.text : undefined);
      atColumn = false;
    } else if (token.kind === ',') {
      atColumn = true;
    }
  }
  return words;
}
