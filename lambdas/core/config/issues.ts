import type { z } from 'zod';
import { showValue } from '../errors.js';
import { didYouMeanSuffix, knownKeysAt } from './suggest.js';

/**
 * The one formatter of validation problems (sink config, deployment config,
 * filter patterns, the functions' environment): each problem is one line
 * `<path>: <what is wrong> (got <value>)`, the path dotted (`topics.orders.tables.shop.t.mapping`,
 * `filters.1.value.sku.0`), `(root)` for the whole input.
 */

/** A problem found without zod (filter patterns, profile rules): where, what, and the value found there. */
export interface ValidationProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly input: unknown;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** `<path>: <message> (got <value>)`. */
export function formatProblem(problem: ValidationProblem): string {
  return `${formatPath(problem.path)}: ${problem.message} (got ${showValue(problem.input)})`;
}

/**
 * The lines of a zod error (parsed with `reportInput: true`, so each issue
 * carries the bad value), each prefixed with `prefix`. `schema` is the
 * schema that was parsed: an unknown setting gets the nearest known name.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType, prefix = ''): string[] {
  return issues.flatMap((issue) => describeIssue(issue, schema).map((line) => prefix + line));
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.core.$ZodType): string[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownSettings(schema, issue);
    case 'invalid_type':
      if (issue.input === undefined) return [`${path}: required (${issue.expected})`];
      return [`${path}: expected ${issue.expected} (got ${showValue(issue.input)})`];
    case 'invalid_union':
      // A discriminated union with a bad tag reports the whole object as input; show the tag itself.
      // Zod 4 ends the path with the discriminator already.
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const tag: unknown =
          typeof issue.input === 'object' && issue.input !== null
            ? (issue.input as Record<string, unknown>)[issue.discriminator]
            : issue.input;
        return [`${path}: expected one of ${issue.options.map((option) => showValue(option)).join(', ')} (got ${showValue(tag)})`];
      }
      return [`${path}: ${issue.message} (got ${showValue(issue.input)})`];
    default:
      return [`${path}: ${issue.message}${issue.input === undefined ? '' : ` (got ${showValue(issue.input)})`}`];
  }
}

/** `<path>: unknown setting`, with the nearest known name when one is close. */
function unknownSettings(schema: z.core.$ZodType, issue: z.core.$ZodIssueUnrecognizedKeys): string[] {
  const known = knownKeysAt(schema, issue.path);
  return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown setting${didYouMeanSuffix(key, known)}`);
}
