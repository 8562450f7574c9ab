/**
 * The Lambda event filtering grammar for Kafka event source mappings, as the
 * deployment config accepts it (`eventSource.filters`) and as the replay
 * function and the local poller evaluate it (./match.ts).
 *
 * From the AWS Lambda developer guide ("Control which events Lambda sends to
 * your function", "Filtering events from Amazon MSK and self-managed Apache
 * Kafka event sources"):
 *  - Kafka mappings filter on the `value` key only: `{value: {...}}` matches a
 *    JSON object value field by field, `{value: [...]}` matches a plain-string
 *    value as a whole.
 *  - Several filters are ORed; inside one filter the fields are ANDed; the
 *    values listed for one field are ORed.
 *  - Operators: exact string / number / boolean, null, empty string, prefix,
 *    suffix, equals-ignore-case, anything-but (a value or a list), numeric
 *    (=, <, <=, >, >=, at most a lower and an upper bound), exists.
 * Anything else (EventBridge's wildcard, cidr, `$or`, nested anything-but
 * operators, metadata keys) is rejected here, so a pattern the sink cannot
 * evaluate exactly like Lambda never reaches a deployment.
 */

export type FilterPath = readonly (string | number)[];

export interface FilterIssue {
  /** Where in the pattern, e.g. `['value', 'status', 0, 'wildcard']`. */
  readonly path: FilterPath;
  readonly message: string;
  readonly input: unknown;
}

/** A filter pattern as written in the config: `{ value: ... }`. */
export type FilterPattern = Readonly<Record<string, unknown>>;

export const SUPPORTED_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists'] as const;
export type FilterOperator = (typeof SUPPORTED_OPERATORS)[number];

export const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='] as const;
export type NumericOperator = (typeof NUMERIC_OPERATORS)[number];

/** Lambda's default quota of filters per event source mapping (raisable to 10 on request). */
export const MAX_FILTERS = 5;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every problem of one pattern; an empty list means the sink evaluates it exactly as Lambda does. */
export function validateFilterPattern(pattern: unknown): FilterIssue[] {
  const issues: FilterIssue[] = [];
  if (!isPlainObject(pattern))
    return [{ path: [], message: 'expected a filter pattern object such as {value: {status: ["PAID"]}}', input: pattern }];
  if (!('value' in pattern)) issues.push({ path: [], message: 'a filter pattern must name "value"', input: pattern });
  for (const key of Object.keys(pattern)) {
    if (key !== 'value') {
      issues.push({
        path: [key],
        message: 'Kafka event source mappings filter on "value" only (not on key, topic, partition or other metadata)',
        input: pattern[key],
      });
    }
  }
  if ('value' in pattern) {
    const value = pattern.value;
    if (Array.isArray(value)) validateMatchers(value, ['value'], issues);
    else if (isPlainObject(value)) validateObject(value, ['value'], issues);
    else
      issues.push({
        path: ['value'],
        message: 'expected an object of fields (JSON values) or an array of match values (plain-string values)',
        input: value,
      });
  }
  return issues;
}

/** Validates a list of patterns (the deployment's `filters`, KAFKA_FILTERS, `--filters`), paths prefixed with the index. */
export function validateFilterPatterns(patterns: unknown): FilterIssue[] {
  if (!Array.isArray(patterns)) return [{ path: [], message: 'expected an array of filter patterns', input: patterns }];
  const issues: FilterIssue[] = [];
  if (patterns.length > MAX_FILTERS)
    issues.push({
      path: [],
      message: `at most ${MAX_FILTERS} filters per event source mapping (Lambda's default quota)`,
      input: patterns.length,
    });
  patterns.forEach((pattern, index) => {
    for (const issue of validateFilterPattern(pattern)) issues.push({ ...issue, path: [index, ...issue.path] });
  });
  return issues;
}

function validateObject(object: Record<string, unknown>, path: FilterPath, issues: FilterIssue[]): void {
  const keys = Object.keys(object);
  if (keys.length === 0) issues.push({ path, message: 'an empty object matches nothing: name at least one field', input: object });
  for (const key of keys) {
    const child = object[key];
    const at = [...path, key];
    if (key.startsWith('$')) {
      issues.push({
        path: at,
        message: `"${key}" is not supported here (combine alternatives as separate filters, which Lambda ORs)`,
        input: child,
      });
    } else if (Array.isArray(child)) {
      validateMatchers(child, at, issues);
    } else if (isPlainObject(child)) {
      validateObject(child, at, issues);
    } else {
      issues.push({ path: at, message: 'expected an array of match values or a nested object of fields', input: child });
    }
  }
}

function validateMatchers(matchers: readonly unknown[], path: FilterPath, issues: FilterIssue[]): void {
  if (matchers.length === 0) issues.push({ path, message: 'an empty list matches nothing: give at least one value', input: matchers });
  matchers.forEach((matcher, index) => {
    validateMatcher(matcher, [...path, index], issues);
  });
}

function validateMatcher(matcher: unknown, path: FilterPath, issues: FilterIssue[]): void {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') return;
  if (typeof matcher === 'number') {
    if (!Number.isFinite(matcher)) issues.push({ path, message: 'expected a finite number', input: matcher });
    return;
  }
  if (!isPlainObject(matcher)) {
    issues.push({ path, message: 'expected a string, number, boolean, null or an operator object', input: matcher });
    return;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    issues.push({
      path,
      message: `an operator object has exactly one operator (one of ${SUPPORTED_OPERATORS.join(', ')})`,
      input: matcher,
    });
    return;
  }
  const operator = keys[0] ?? '';
  const argument = matcher[operator];
  const at = [...path, operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      if (typeof argument !== 'string')
        issues.push({ path: at, message: `"${operator}" takes a string (nested operators are not supported)`, input: argument });
      return;
    case 'exists':
      if (typeof argument !== 'boolean') issues.push({ path: at, message: '"exists" takes true or false', input: argument });
      return;
    case 'anything-but':
      validateAnythingBut(argument, at, issues);
      return;
    case 'numeric':
      validateNumeric(argument, at, issues);
      return;
    default:
      issues.push({
        path: at,
        message: `operator "${operator}" is not supported (supported: ${SUPPORTED_OPERATORS.join(', ')}, or a plain value)`,
        input: argument,
      });
  }
}

function validateAnythingBut(argument: unknown, path: FilterPath, issues: FilterIssue[]): void {
  const scalar = (value: unknown): boolean => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  if (scalar(argument)) return;
  if (Array.isArray(argument) && argument.length > 0 && argument.every(scalar)) return;
  issues.push({
    path,
    message: '"anything-but" takes a string, a number or a non-empty list of them (nested operators are not supported)',
    input: argument,
  });
}

/** `[op, n]` or a lower and an upper bound `[">" | ">=", n, "<" | "<=", m]`. */
function validateNumeric(argument: unknown, path: FilterPath, issues: FilterIssue[]): void {
  const fail = (message: string): void => {
    issues.push({ path, message, input: argument });
  };
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) {
    fail('"numeric" takes [operator, number] or [">" | ">=", low, "<" | "<=", high]');
    return;
  }
  const pairs: { op: unknown; bound: unknown }[] = [];
  for (let i = 0; i < argument.length; i += 2) pairs.push({ op: argument[i], bound: argument[i + 1] });
  for (const { op, bound } of pairs) {
    if (!NUMERIC_OPERATORS.includes(op as NumericOperator)) {
      fail(`"numeric" operator ${JSON.stringify(op)} is not one of ${NUMERIC_OPERATORS.join(' ')}`);
      return;
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      fail(`"numeric" bound after ${String(op)} must be a number`);
      return;
    }
  }
  const [low, high] = pairs;
  if (low !== undefined && high !== undefined) {
    if ((low.op !== '>' && low.op !== '>=') || (high.op !== '<' && high.op !== '<='))
      fail('a "numeric" range is a lower bound (> or >=) followed by an upper bound (< or <=)');
    else if ((low.bound as number) > (high.bound as number)) fail('a "numeric" range needs its lower bound below its upper bound');
  }
}
