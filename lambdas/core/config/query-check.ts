/**
 * What a custom `query` may be: exactly one INSERT, UPDATE or DELETE
 * statement whose record values all arrive as named binds (`:name`). The
 * query text is static config, never built from record data, so there is
 * nothing to inject into; these checks turn the ways a query could still go
 * wrong into config errors at synth/start instead of surprises in production:
 *  - a second statement after `;` (the server would reject it at prepare
 *    time anyway; a config that tries is a mistake or an attack);
 *  - any other statement kind (DDL, SELECT, TRUNCATE, GRANT, BATCH…): the
 *    sink only writes rows;
 *  - a string literal that looks like a placeholder (`':id'`, `'${id}'`,
 *    `'{{id}}'`): nothing is ever substituted into the text, so it would be
 *    written as that literal text; bind the value with `:id` instead.
 * String literals, quoted identifiers and comments are skipped when looking
 * for `;`, so `'a;b'` or `"odd;name"` are fine.
 */
export function queryProblems(query: string): string[] {
  const problems: string[] = [];
  let code = '';
  let at = 0;
  while (at < query.length) {
    const char = query.charAt(at);
    const two = query.slice(at, at + 2);
    if (two === '--' || two === '//') {
      const end = query.indexOf('\n', at);
      at = end < 0 ? query.length : end;
      code += ' ';
    } else if (two === '/*') {
      const end = query.indexOf('*/', at + 2);
      if (end < 0) return [...problems, 'unterminated /* comment'];
      at = end + 2;
      code += ' ';
    } else if (two === '$$') {
      const end = query.indexOf('$$', at + 2);
      if (end < 0) return [...problems, 'unterminated $$ string literal'];
      checkLiteral(query.slice(at + 2, end), problems);
      at = end + 2;
      code += "''";
    } else if (char === "'" || char === '"') {
      const end = closingQuote(query, at, char);
      if (end < 0) return [...problems, `unterminated ${char === "'" ? 'string literal' : 'quoted identifier'}`];
      if (char === "'") checkLiteral(query.slice(at + 1, end).replaceAll("''", "'"), problems);
      code += char === "'" ? "''" : '""';
      at = end + 1;
    } else {
      code += char;
      at += 1;
    }
  }
  const semicolon = code.indexOf(';');
  if (semicolon >= 0 && code.slice(semicolon + 1).trim() !== '') problems.push('must be a single statement: nothing may follow ";"');
  const verb = /^\s*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase();
  if (verb !== 'INSERT' && verb !== 'UPDATE' && verb !== 'DELETE') {
    problems.push(`must be an INSERT, UPDATE or DELETE statement, not ${verb === undefined ? 'empty' : verb}`);
  }
  return problems;
}

/** Index of the quote closing the one at `start` (a doubled quote is an escaped one), or -1. */
function closingQuote(text: string, start: number, quote: string): number {
  let at = start + 1;
  for (;;) {
    const end = text.indexOf(quote, at);
    if (end < 0) return -1;
    if (text.charAt(end + 1) !== quote) return end;
    at = end + 2;
  }
}

const PLACEHOLDER = /^:[A-Za-z_]\w*$|\$\{[^}]*\}|\{\{[^}]*\}\}/;

function checkLiteral(text: string, problems: string[]): void {
  if (PLACEHOLDER.test(text.trim())) {
    problems.push(
      `the string literal '${text}' looks like a placeholder, but nothing is substituted into a query: bind the value with :name (a mapping column) instead`,
    );
  }
}
