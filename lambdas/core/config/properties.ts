/**
 * Reads Java .properties text, as Kafka Connect does: `#`/`!` comments,
 * `key=value`, `key: value` or `key value`, backslash line continuations and
 * escapes (`\t`, `\n`, `\uXXXX`, `\=`…). Later keys win, as in Java.
 */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index += 1) {
    let line = (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithContinuation(line) && index + 1 < lines.length) {
      index += 1;
      line = line.slice(0, -1) + (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    const split = separatorIndex(line);
    const key = line.slice(0, split.keyEnd);
    const value = line.slice(split.valueStart);
    result[unescape(key)] = unescape(value);
  }
  return result;
}

function endsWithContinuation(line: string): boolean {
  const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
  return trailing % 2 === 1;
}

function separatorIndex(line: string): { keyEnd: number; valueStart: number } {
  let at = 0;
  while (at < line.length) {
    const char = line.charAt(at);
    if (char === '\\') {
      at += 2;
      continue;
    }
    if (char === '=' || char === ':' || char === ' ' || char === '\t' || char === '\f') break;
    at += 1;
  }
  const keyEnd = Math.min(at, line.length);
  let valueStart = keyEnd;
  while (/[ \t\f]/.test(line.charAt(valueStart))) valueStart += 1;
  if (line.charAt(valueStart) === '=' || line.charAt(valueStart) === ':') valueStart += 1;
  while (/[ \t\f]/.test(line.charAt(valueStart))) valueStart += 1;
  return { keyEnd, valueStart };
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_match, escaped: string) =>
    escaped.length === 5 ? String.fromCharCode(parseInt(escaped.slice(1), 16)) : (ESCAPES[escaped] ?? escaped),
  );
}
