/**
 * A user's own records for `produce --file`: JSON lines of
 * `{key, value, headers, timestamp, partition}`, validated all at once so
 * that nothing is produced from a file with a bad line.
 */
import { z } from 'zod';
import { showValue } from '../../lambdas/core/errors.js';
import { formatPath } from '../../lambdas/core/config/issues.js';

const payload = z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

const lineSchema = z
  .object({
    key: payload.nullable().optional().describe('Text as is; anything else as JSON text. Absent or null: no key.'),
    value: payload.nullable().optional().describe('Text as is; anything else as JSON text. Absent or null: a tombstone.'),
    headers: z.record(z.string(), z.string()).optional().describe('Header name → text value.'),
    timestamp: z
      .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
      .optional()
      .describe("Create time: epoch milliseconds or an ISO-8601 instant. Default: the producer's clock."),
    partition: z.number().int().nonnegative().optional().describe('Partition. Default: by key hash.'),
  })
  .strict();

/** Lines of a records file that cannot be produced, each with its line number, field and value. */
export class RecordFileError extends Error {
  override readonly name = 'RecordFileError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1 ? (problems[0] ?? '') : `${String(problems.length)} bad lines, nothing produced:\n- ${problems.join('\n- ')}`,
    );
  }
}

/** One record ready for the producer. */
export interface FileRecord {
  readonly key?: Buffer;
  /** Undefined: a tombstone. */
  readonly value?: Buffer;
  readonly headers: ReadonlyMap<string, string>;
  readonly timestamp?: bigint;
  readonly partition?: number;
}

function bytesOf(value: z.infer<typeof payload> | null | undefined): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}

/**
 * Parses JSON lines (blank lines skipped). Throws one RecordFileError listing
 * every bad line by its number, the field and the value.
 */
export function parseRecordLines(text: string, sourceName: string): FileRecord[] {
  const records: FileRecord[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${sourceName}:${String(index + 1)}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const result = lineSchema.safeParse(json, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const keys =
          issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')} (expected key, value, headers, timestamp, partition)` : '';
        problems.push(
          `${where}: ${formatPath(issue.path)}: ${issue.message}${keys}${issue.input === undefined ? '' : ` (got ${showValue(issue.input)})`}`,
        );
      }
      return;
    }
    const { key, value, headers, timestamp, partition } = result.data;
    const keyBytes = bytesOf(key);
    const valueBytes = bytesOf(value);
    records.push({
      ...(keyBytes === undefined ? {} : { key: keyBytes }),
      ...(valueBytes === undefined ? {} : { value: valueBytes }),
      headers: new Map(Object.entries(headers ?? {})),
      ...(timestamp === undefined ? {} : { timestamp: BigInt(typeof timestamp === 'number' ? timestamp : Date.parse(timestamp)) }),
      ...(partition === undefined ? {} : { partition }),
    });
  });
  if (problems.length > 0) throw new RecordFileError(problems);
  return records;
}
