import type { MappingEntry } from '../mapping/ast.js';
import { formatMapping } from '../mapping/format.js';
import { tokenize } from '../mapping/lexer.js';
import { parseMapping } from '../mapping/parse.js';
import { pathBeforeTransforms, type ConnectorTransforms } from './connector-transforms.js';

/**
 * Rewrites a connector mapping so it means here what it meant there:
 *  - the connector takes unquoted column names literally (case kept), CQL
 *    lower-cases them: mixed-case columns get quoted;
 *  - the connector reads `value.a.b` as one top-level field "a.b", here it is
 *    a nested path: it becomes `value."a.b"`;
 *  - the connector read fields after its transforms (SMTs), the sink reads the
 *    record as it is in Kafka: paths are rewritten through the carried-over
 *    transforms (connector-transforms.ts).
 * Returns the new text and what changed, or throws ConfigError when the
 * mapping does not parse.
 */
export function convertConnectorMapping(
  text: string,
  transforms: ConnectorTransforms = { key: [], value: [] },
): { mapping: string; changes: string[] } {
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
    if (source.kind !== 'key' && source.kind !== 'value') return result;
    // The connector's field: one top-level name, dots included, as its transforms left the record.
    const field = source.path.join('.');
    const before = pathBeforeTransforms([field], transforms[source.kind]);
    if (before.applied.length > 0) {
      const path = [...before.path];
      result = { ...result, source: { kind: source.kind, path } };
      const shown = formatMapping([{ target: 'column', column: 'x', source: { kind: source.kind, path } }]).replace(/^x=/, '');
      changes.push(
        `${source.kind}.${field} reads ${shown} in the record as Kafka has it (carried over from ${before.applied.map((t) => `transforms.${t.name}: ${t.what}`).join('; ')})`,
      );
    } else if (source.path.length > 1) {
      result = { ...result, source: { kind: source.kind, path: [field] } };
      changes.push(
        `${source.kind}.${field} reads the top-level field "${field}", as in the connector (write ${source.kind}.${field} unquoted for a nested path)`,
      );
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
