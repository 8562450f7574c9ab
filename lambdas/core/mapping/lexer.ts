import { ConfigError, showValue } from '../errors.js';

/**
 * Tokens of the DataStax connector's mapping grammar (Mapping.g4): bare words
 * of letters, digits and `_`; double-quoted strings with `""` for a quote;
 * punctuation; whitespace between tokens is ignored.
 */
export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly start: number }
  | { readonly kind: 'quoted'; readonly text: string; readonly start: number }
  | { readonly kind: '=' | ',' | '.' | '(' | ')' | 'end'; readonly start: number };

const WORD = /[A-Za-z0-9_]+/y;
const WHITESPACE = /[ \t\r\n]+/y;
const PUNCTUATION = new Set(['=', ',', '.', '(', ')']);

export function mappingSyntaxError(input: string, position: number, message: string): ConfigError {
  const where =
    position >= input.length
      ? `at position ${position} (end of input)`
      : `at position ${position} near ${showValue(input.slice(position), 40)}`;
  return new ConfigError(`mapping: ${message} ${where}`);
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < input.length) {
    WHITESPACE.lastIndex = at;
    if (WHITESPACE.test(input)) {
      at = WHITESPACE.lastIndex;
      continue;
    }
    const char = input.charAt(at);
    if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as '=' | ',' | '.' | '(' | ')', start: at });
      at += 1;
      continue;
    }
    if (char === '"') {
      const { text, end } = readQuoted(input, at);
      tokens.push({ kind: 'quoted', text, start: at });
      at = end;
      continue;
    }
    WORD.lastIndex = at;
    const word = WORD.exec(input);
    if (word === null) throw mappingSyntaxError(input, at, `unexpected character ${showValue(char)}`);
    tokens.push({ kind: 'word', text: word[0], start: at });
    at = WORD.lastIndex;
  }
  tokens.push({ kind: 'end', start: input.length });
  return tokens;
}

function readQuoted(input: string, start: number): { text: string; end: number } {
  let text = '';
  let at = start + 1;
  for (;;) {
    const close = input.indexOf('"', at);
    if (close < 0) throw mappingSyntaxError(input, start, 'unterminated quoted identifier');
    text += input.slice(at, close);
    if (input.charAt(close + 1) === '"') {
      text += '"';
      at = close + 2;
      continue;
    }
    // The connector's grammar requires at least one character, and CQL has no empty identifier.
    if (text === '') throw mappingSyntaxError(input, start, 'empty quoted identifier');
    return { text, end: close + 1 };
  }
}
