import type { z } from 'zod';
import { specialSource } from '../mapping/ast.js';
import { parseMapping } from '../mapping/parse.js';
import type { ConnectionProfile } from './connection.js';
import type { ConsistencyLevel, tableSettingsSchema } from './table.js';

/** Keyspaces' quota on statements in one batch. */
export const KEYSPACES_MAX_BATCH = 30;
const ASTRA_REJECTED_LEVELS: readonly string[] = ['ANY', 'ONE', 'LOCAL_ONE'];

export function resolveBatchSize(profile: ConnectionProfile, size: number | undefined): number {
  return size ?? (profile === 'keyspaces' ? KEYSPACES_MAX_BATCH : 32);
}

/** Fills the defaults that depend on the profile or on other settings of the table. */
export function resolveTable(profile: ConnectionProfile, table: z.output<typeof tableSettingsSchema>) {
  const consistencyLevel: ConsistencyLevel = table.consistencyLevel ?? (profile === 'cassandra' ? 'LOCAL_ONE' : 'LOCAL_QUORUM');
  return {
    ...table,
    consistencyLevel,
    deletesEnabled: table.deletesEnabled ?? table.query === undefined,
    clientTimestamps: table.clientTimestamps ?? profile !== 'keyspaces',
  };
}

type Issue = { path: (string | number)[]; input: unknown; message: string };

/**
 * Rules that tie a table to the connection profile. Reads the raw input
 * defensively so that it can run even when other parts failed to parse.
 */
export function profileIssues(config: unknown): Issue[] {
  const profile = field(field(config, 'connection'), 'profile');
  if (profile !== 'cassandra' && profile !== 'astra' && profile !== 'keyspaces') return [];
  const issues: Issue[] = [];
  const batch = field(field(config, 'writer'), 'maxNumberOfRecordsInBatch');
  if (profile === 'keyspaces' && typeof batch === 'number' && batch > KEYSPACES_MAX_BATCH) {
    issues.push({
      path: ['writer', 'maxNumberOfRecordsInBatch'],
      input: batch,
      message: `Keyspaces allows at most ${KEYSPACES_MAX_BATCH} statements in a batch`,
    });
  }
  for (const [topic, topicValue] of entries(field(config, 'topics'))) {
    for (const [key, table] of entries(field(topicValue, 'tables'))) {
      const at = (setting: string) => ['topics', topic, 'tables', key, setting];
      const level = field(table, 'consistencyLevel');
      if (profile === 'keyspaces' && level !== undefined && level !== 'LOCAL_QUORUM') {
        issues.push({ path: at('consistencyLevel'), input: level, message: 'Keyspaces accepts writes only at LOCAL_QUORUM' });
      }
      if (profile === 'astra' && typeof level === 'string' && ASTRA_REJECTED_LEVELS.includes(level)) {
        issues.push({
          path: at('consistencyLevel'),
          input: level,
          message: `Astra rejects writes at ${level}; use LOCAL_QUORUM or higher`,
        });
      }
      const explicit = field(table, 'clientTimestamps');
      const clientTimestamps = typeof explicit === 'boolean' ? explicit : profile !== 'keyspaces';
      if (!clientTimestamps && field(table, 'query') === undefined && mapsTimestamp(field(table, 'mapping'))) {
        issues.push({
          path: at('clientTimestamps'),
          input: explicit,
          message: `__timestamp is mapped but clientTimestamps is false${explicit === undefined ? ' (the default on keyspaces)' : ''}, so it would be ignored; set clientTimestamps: true or unmap __timestamp`,
        });
      }
    }
  }
  return issues;
}

export function checkProfileRules(config: unknown, ctx: z.RefinementCtx): void {
  for (const issue of profileIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
}

function mapsTimestamp(mapping: unknown): boolean {
  if (typeof mapping !== 'string') return false;
  try {
    return specialSource(parseMapping(mapping), 'timestamp') !== undefined;
  } catch {
    return false; // a bad mapping is reported on its own
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}
