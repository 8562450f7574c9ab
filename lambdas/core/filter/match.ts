import { ConfigError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import { formatProblem } from '../config/issues.js';
import { validateFilterPatterns, type FilterPattern, type NumericOperator } from './pattern.js';

/**
 * Evaluates Kafka event filter patterns (./pattern.ts) on records, as the
 * event source mapping does before it invokes the function:
 *  - a record passes when any pattern matches (filters are ORed);
 *  - `{value: {...}}` needs the value to be a JSON object; every field named
 *    must match (AND), and one of the values listed for it (OR); a field whose
 *    value is an array matches when one element does;
 *  - `{value: [...]}` needs a plain-string value (not a JSON object): the
 *    whole UTF-8 text is matched;
 *  - numbers compare by their JSON text for exact matches (Lambda: 300, 300.0
 *    and 3.0e2 are not equal) and by value for `numeric`;
 *  - a field that is absent, or an object rather than a value, only matches
 *    `{exists: false}`; a tombstone (null value) is an absent value.
 */

/** A JSON number with the text it was written as. */
class JsonNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}

type Leaf = string | boolean | null | JsonNumber;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);

/** JSON.parse keeping each number's source text (Node ≥ 21 passes it to the reviver; older ones fall back to the value). */
function parseJsonKeepingNumbers(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' ? new JsonNumber(value, context?.source ?? String(value)) : value,
  );
}

/** The record value as the filter sees it. */
type FilterValue =
  | { readonly kind: 'absent' }
  | { readonly kind: 'json'; readonly object: Record<string, unknown> }
  | { readonly kind: 'text'; readonly text: string };

function filterValue(value: Buffer | null): FilterValue {
  if (value === null) return { kind: 'absent' };
  const text = value.toString('utf8');
  try {
    const parsed = parseJsonKeepingNumbers(text);
    if (isPlainObject(parsed)) return { kind: 'json', object: parsed };
  } catch {
    // Not JSON: a plain string.
  }
  return { kind: 'text', text };
}

export function matchesPattern(pattern: FilterPattern, value: Buffer | null): boolean {
  const wanted = pattern.value;
  const seen = filterValue(value);
  if (Array.isArray(wanted)) {
    if (seen.kind === 'json') return false;
    return matchField(wanted, seen.kind === 'text' ? seen.text : undefined);
  }
  if (isPlainObject(wanted)) return matchObject(wanted, seen.kind === 'json' ? seen.object : undefined);
  return false;
}

function matchObject(pattern: Record<string, unknown>, event: unknown): boolean {
  if (Array.isArray(event)) {
    const objects = event.filter(isPlainObject);
    if (objects.length > 0) return objects.some((element) => matchObject(pattern, element));
  }
  // An absent or non-object parent has none of the fields: only `exists: false` can match below it.
  const fields = isPlainObject(event) ? event : {};
  return Object.entries(pattern).every(([key, child]) => {
    const value = Object.hasOwn(fields, key) ? fields[key] : undefined;
    return Array.isArray(child) ? matchField(child, value) : matchObject(child as Record<string, unknown>, value);
  });
}

/** The leaf values of a field: none when it is absent or not a value (an object). */
function leaves(value: unknown): Leaf[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value))
    return value.flatMap((element) => (Array.isArray(element) ? leaves(element) : isPlainObject(element) ? [] : [element as Leaf]));
  return [value as Leaf];
}

function matchField(matchers: readonly unknown[], value: unknown): boolean {
  const values = leaves(value);
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && 'exists' in matcher) return matcher.exists === values.length > 0;
    return values.some((leaf) => matchLeaf(matcher, leaf));
  });
}

const numberText = (n: number): string => JSON.stringify(n);

function equalsLiteral(literal: unknown, leaf: Leaf): boolean {
  if (typeof literal === 'number') return leaf instanceof JsonNumber && leaf.text === numberText(literal);
  return literal === leaf;
}

function matchLeaf(matcher: unknown, leaf: Leaf): boolean {
  if (!isPlainObject(matcher)) return equalsLiteral(matcher, leaf);
  const [operator, argument] = Object.entries(matcher)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof leaf === 'string' && leaf.startsWith(argument as string);
    case 'suffix':
      return typeof leaf === 'string' && leaf.endsWith(argument as string);
    case 'equals-ignore-case':
      return typeof leaf === 'string' && foldCase(leaf) === foldCase(argument as string);
    case 'anything-but': {
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.some((literal) => equalsLiteral(literal, leaf));
    }
    case 'numeric':
      return leaf instanceof JsonNumber && numericHolds(argument as readonly (NumericOperator | number)[], leaf.value);
    default:
      return false;
  }
}

const foldCase = (text: string): string => text.toLowerCase().toUpperCase();

function numericHolds(conditions: readonly (NumericOperator | number)[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number;
    switch (conditions[i] as NumericOperator) {
      case '=':
        if (!(value === bound)) return false;
        break;
      case '<':
        if (!(value < bound)) return false;
        break;
      case '<=':
        if (!(value <= bound)) return false;
        break;
      case '>':
        if (!(value > bound)) return false;
        break;
      case '>=':
        if (!(value >= bound)) return false;
        break;
    }
  }
  return true;
}

/** Decides which records the event source mapping would deliver. */
export interface RecordFilter {
  /** The patterns, as given (an empty list lets every record through). */
  readonly patterns: readonly FilterPattern[];
  matches(record: Pick<KafkaRecord, 'value'>): boolean;
}

/** Everything passes: a mapping without filters. */
export const NO_FILTER: RecordFilter = { patterns: [], matches: () => true };

/**
 * Validates the patterns (ConfigError naming `source`, the path and the value
 * of every problem) and returns the filter.
 */
export function createRecordFilter(patterns: unknown, source: string): RecordFilter {
  const issues = validateFilterPatterns(patterns);
  if (issues.length > 0) {
    throw new ConfigError(issues.map((issue) => `${source}: ${formatProblem(issue)}`));
  }
  const list = patterns as FilterPattern[];
  if (list.length === 0) return NO_FILTER;
  return { patterns: list, matches: (record) => list.some((pattern) => matchesPattern(pattern, record.value)) };
}
