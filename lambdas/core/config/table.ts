import { z } from 'zod';
import { codecSettingsSchema } from '../codecs/settings.js';
import { ConfigError } from '../errors.js';
import { mappedColumns } from '../mapping/ast.js';
import { parseMapping } from '../mapping/parse.js';
import { queryProblems } from './query-check.js';

/** SERIAL and LOCAL_SERIAL are left out: they are only valid as the serial level of conditional writes. */
export const consistencyLevelSchema = z.enum(['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM']);
export type ConsistencyLevel = z.output<typeof consistencyLevelSchema>;

export const timeUnitSchema = codecSettingsSchema.shape.unit.unwrap();
export type TimeUnit = z.output<typeof timeUnitSchema>;

const SECONDS_PER_UNIT: Record<TimeUnit, number> = {
  NANOSECONDS: 1e-9,
  MICROSECONDS: 1e-6,
  MILLISECONDS: 1e-3,
  SECONDS: 1,
  MINUTES: 60,
  HOURS: 3600,
  DAYS: 86_400,
};
/** Cassandra's MAX_TTL: 20 years. */
const MAX_TTL_SECONDS = 630_720_000;

const mappingSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      parseMapping(text);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) ctx.addIssue({ code: 'custom', message: problem.replace(/^mapping: /, ''), input: text });
    }
  })
  .describe(
    'Which record part feeds which column, as in the DataStax connector: `col=key`, `col=value`, `col=value.field`, `col=header.name`, `col=now()`, ' +
      '`__ttl=value.field`, `__timestamp=value.field`, comma separated. Beyond the connector, `value.a.b` is a nested path; ' +
      '`value."a.b"` is a top-level field whose name has a dot. Unquoted column names are lower-cased as in CQL; quote to keep case.',
  );

export const tableSettingsSchema = z
  .object({
    mapping: mappingSchema,
    consistencyLevel: consistencyLevelSchema
      .optional()
      .describe(
        'Write consistency level. Default LOCAL_ONE as the connector on cassandra; LOCAL_QUORUM on astra and keyspaces, the lowest level they accept for writes.',
      ),
    ttl: z
      .number()
      .int()
      .min(-1)
      .default(-1)
      .describe(
        'Time to live of written cells, in ttlTimeUnit; -1 writes no TTL (the table default applies). Overridden per record by a mapped `__ttl` (connector: ttl).',
      ),
    ttlTimeUnit: timeUnitSchema.default('SECONDS').describe('Unit of `ttl` and of a mapped `__ttl` value (connector: ttlTimeUnit).'),
    timestampTimeUnit: timeUnitSchema
      .default('MICROSECONDS')
      .describe('Unit of a mapped `__timestamp` value (connector: timestampTimeUnit).'),
    nullToUnset: z
      .boolean()
      .default(true)
      .describe('Leave columns whose mapped field is null unset instead of writing a tombstone (connector: nullToUnset).'),
    deletesEnabled: z
      .boolean()
      .optional()
      .describe(
        'Turn a record whose mapped non-null fields are all primary-key columns (e.g. a tombstone) into a DELETE of that row (connector: deletesEnabled). ' +
          'When false, a tombstone leaves this table alone (a history table, say) rather than failing. ' +
          'A table whose columns are all primary-key columns never gets a delete: such a record inserts its row, as in the connector. ' +
          'Default true, or false when `query` is set: deletes cannot be derived from a custom query (the connector makes you set false yourself).',
      ),
    query: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Custom CQL run instead of the generated INSERT, with named binds (`:name`) fed by the mapping columns of the same names (connector: query). ' +
          '`ttl`, `__ttl`, `__timestamp` and `clientTimestamps` do not apply: write `USING TIMESTAMP :ts AND TTL :t` in the query and map `ts` and `t`.',
      ),
    clientTimestamps: z
      .boolean()
      .optional()
      .describe(
        'Write with `USING TIMESTAMP` (the Kafka record time in µs, or `__timestamp`), which makes retries and replays idempotent: an older record never overwrites a newer one. ' +
          'Default true, but false on keyspaces: Keyspaces rejects `USING TIMESTAMP` unless client-side timestamps are enabled on the table (an irreversible table setting), ' +
          'and even then only within 2 days in the past, so replays of old records fail there. Without it the last write to arrive wins.',
      ),
  })
  .strict()
  .superRefine((table, ctx) => {
    if (table.query !== undefined && table.deletesEnabled === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['deletesEnabled'],
        input: true,
        message: 'deletes cannot be derived from a custom query; set deletesEnabled to false or remove query',
      });
    }
    if (table.ttl > 0 && table.ttl * SECONDS_PER_UNIT[table.ttlTimeUnit] > MAX_TTL_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ttl'],
        input: table.ttl,
        message: `TTL exceeds Cassandra's maximum of ${MAX_TTL_SECONDS} seconds (20 years)`,
      });
    }
    if (table.query !== undefined) {
      for (const problem of queryProblems(table.query))
        ctx.addIssue({ code: 'custom', path: ['query'], input: table.query, message: problem });
      checkQueryBinds(table.query, table.mapping, ctx);
    }
  });

/** Every named bind in a custom query must be fed by a mapped column, or every write would fail. */
function checkQueryBinds(query: string, mappingText: string, ctx: z.RefinementCtx): void {
  let columns: Set<string>;
  try {
    columns = new Set(mappedColumns(parseMapping(mappingText)).map((entry) => entry.column));
  } catch {
    return; // already reported on `mapping`
  }
  const withoutLiterals = query.replace(/'(?:[^']|'')*'/g, "''");
  if (withoutLiterals.includes('?')) {
    ctx.addIssue({
      code: 'custom',
      path: ['query'],
      input: query,
      message: 'use named binds (:name) in a custom query, not ?: values are bound by mapping column name',
    });
  }
  for (const match of withoutLiterals.matchAll(/:([A-Za-z][A-Za-z0-9_]*|"(?:[^"]|"")+")/g)) {
    const raw = match[1] ?? '';
    const name = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.toLowerCase();
    if (!columns.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        input: query,
        message: `bind :${raw} is not a column of the mapping, so it would never get a value`,
      });
    }
  }
}

export type TableSettingsInput = z.input<typeof tableSettingsSchema>;
