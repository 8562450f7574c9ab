import { ConfigError } from '../errors.js';
import { createRecordFilter, NO_FILTER, type RecordFilter } from './match.js';

export { createRecordFilter, matchesPattern, NO_FILTER, type RecordFilter } from './match.js';
export {
  MAX_FILTERS,
  NUMERIC_OPERATORS,
  SUPPORTED_OPERATORS,
  validateFilterPattern,
  validateFilterPatterns,
  type FilterIssue,
  type FilterPattern,
} from './pattern.js';

/**
 * Parses filter patterns given as JSON text (KAFKA_FILTERS, `--filters`):
 * undefined or empty text means no filters; bad JSON or a bad pattern is a
 * ConfigError naming `source`.
 */
export function parseRecordFilter(text: string | undefined, source: string): RecordFilter {
  if (text === undefined || text.trim() === '') return NO_FILTER;
  let patterns: unknown;
  try {
    patterns = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not JSON (expected an array of filter patterns): ${(error as Error).message}`, { cause: error });
  }
  return createRecordFilter(patterns, source);
}
