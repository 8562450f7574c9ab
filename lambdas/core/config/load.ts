import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { describeIssues } from './issues.js';
import { sinkConfigSchema, type SinkConfig } from './schema.js';

/**
 * Validates a config object. Throws one ConfigError listing every problem as
 * `<path>: <what is wrong> (got <value>)`.
 */
export function parseSinkConfig(input: unknown, sourceName?: string): SinkConfig {
  const result = sinkConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error.issues, sinkConfigSchema, sourceName === undefined ? '' : `${sourceName}: `));
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
