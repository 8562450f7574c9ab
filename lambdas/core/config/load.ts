import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, showValue } from '../errors.js';
import { sinkConfigSchema, type SinkConfig } from './schema.js';
import { didYouMeanSuffix, knownKeysAt } from './suggest.js';

/**
 * Validates a config object. Throws one ConfigError listing every problem as
 * `<path>: <what is wrong> (got <value>)`.
 */
export function parseSinkConfig(input: unknown, sourceName?: string): SinkConfig {
  const result = sinkConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const prefix = sourceName === undefined ? '' : `${sourceName}: `;
  throw new ConfigError(result.error.issues.flatMap((issue) => describeIssue(issue).map((line) => prefix + line)));
}

/** Reads YAML or JSON text (JSON is YAML) and validates it. */
export function loadSinkConfig(text: string, sourceName: string): SinkConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${sourceName}:${line}:${col}: ${error.message}`;
      }),
    );
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // The parser reports syntax; toJS() still throws for an alias without its anchor (`*a` before `&a`).
    throw new ConfigError(`${sourceName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parseSinkConfig(value, sourceName);
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownSettings(sinkConfigSchema, issue);
    case 'invalid_type':
      if (issue.input === undefined) return [`${path}: required (${issue.expected})`];
      return [`${path}: expected ${issue.expected} (got ${showValue(issue.input)})`];
    case 'invalid_union':
      // A discriminated union with a bad tag reports the whole object as input; show the tag itself.
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const tag: unknown = typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<string, unknown>)[issue.discriminator] : undefined;
        return [`${path}: expected one of ${issue.options.map((option) => showValue(option)).join(', ')} (got ${showValue(tag)})`];
      }
      return [`${path}: ${issue.message} (got ${showValue(issue.input)})`];
    default:
      return [`${path}: ${issue.message}${issue.input === undefined ? '' : ` (got ${showValue(issue.input)})`}`];
  }
}

/** `<path>: unknown setting`, with the nearest known name when one is close. */
export function unknownSettings(schema: z.core.$ZodType, issue: z.core.$ZodIssueUnrecognizedKeys): string[] {
  const known = knownKeysAt(schema, issue.path);
  return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown setting${didYouMeanSuffix(key, known)}`);
}
