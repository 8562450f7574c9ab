import { types } from 'cassandra-driver';
import type { KafkaRecord } from '../event/record.js';
import type { PendingRow } from './batches.js';
import type { RowWrite, WriteTarget } from './row.js';
import { compareOffsets } from './write-order.js';

/** A write left out because a later one covers it; it is done only once `by` is written. */
export interface ShadowedRow {
  readonly pending: PendingRow;
  readonly by: PendingRow;
}

export interface Coalesced {
  /** The writes to send, in the order given. */
  readonly send: PendingRow[];
  readonly shadowed: ShadowedRow[];
}

/**
 * A later write is compared with at most this many writes kept for its row:
 * hot keys with alternating partial updates cannot make coalescing quadratic.
 */
const MAX_COMPARISONS = 16;

/**
 * Leaves out, per table and row, every write that a write later in the call
 * fully shadows: the final table is then the same as if it had been sent, by
 * Cassandra's own rules (a cell or row deletion with a higher timestamp wins,
 * and a deletion wins at an equal one). `s` shadows an earlier `r` when its
 * write time is higher, or equal and later in the same Kafka partition (the
 * guarantee's tie rule, which coalescing then enforces), and:
 *  - `s` deletes the row; or
 *  - both delete the table's owned columns; or
 *  - both are the same INSERT and `s` sets every column `r` sets (a null
 *    written as a tombstone counts as set; an unset does not). Its row
 *    marker shadows `r`'s too. TTLs do not matter: an expired cell or row
 *    marker is a tombstone with its write time, which still shadows `r`.
 * Writes without a shape (counters, custom queries, no client timestamp) and
 * writes whose timestamp is unset are never left out.
 */
export function coalesce(
  rows: readonly PendingRow[],
  repeated: readonly (readonly PendingRow[])[],
  records: readonly KafkaRecord[],
): Coalesced {
  if (repeated.length === 0) return { send: [...rows], shadowed: [] };
  const left = new Set<PendingRow>();
  const shadowed: ShadowedRow[] = [];
  for (const group of repeated) {
    const kept: PendingRow[] = [];
    for (let index = group.length - 1; index >= 0; index--) {
      const earlier = group[index] as PendingRow;
      let by: PendingRow | undefined;
      for (let k = kept.length - 1, tried = 0; k >= 0 && tried < MAX_COMPARISONS; k--, tried++) {
        const later = kept[k] as PendingRow;
        if (shadows(later, earlier, records)) {
          by = later;
          break;
        }
      }
      if (by === undefined) kept.push(earlier);
      else {
        left.add(earlier);
        shadowed.push({ pending: earlier, by });
      }
    }
  }
  return { send: left.size === 0 ? [...rows] : rows.filter((pending) => !left.has(pending)), shadowed };
}

/**
 * The writes of each row (table, partition and clustering key) that the call
 * writes more than once, in the order given; rows written once are left out,
 * so that a batch of distinct keys costs one map entry per write. Only
 * writes that may be coalesced or ordered count: those with a shape.
 */
export function groupRepeatedRows(rows: readonly PendingRow[]): PendingRow[][] {
  const byTarget = new Map<WriteTarget, Map<string, PendingRow | PendingRow[]>>();
  const repeated: PendingRow[][] = [];
  for (const pending of rows) {
    const { row } = pending;
    if (row.shape === undefined) continue;
    let byRow = byTarget.get(row.target);
    if (byRow === undefined) byTarget.set(row.target, (byRow = new Map<string, PendingRow | PendingRow[]>()));
    const key = row.row === '' ? row.partition : `${row.partition}\u0001${row.row}`;
    const seen = byRow.get(key);
    if (seen === undefined) byRow.set(key, pending);
    else if (Array.isArray(seen)) seen.push(pending);
    else {
      const group = [seen, pending];
      byRow.set(key, group);
      repeated.push(group);
    }
  }
  return repeated;
}

function writeTime(row: RowWrite): bigint | undefined {
  if (row.shape === undefined || row.timestampAt === undefined) return undefined;
  const value = row.values[row.timestampAt];
  return typeof value === 'bigint' ? value : undefined;
}

/** Whether `later` (after `earlier` in the call) fully shadows `earlier`; both are writes of one table and row. */
export function shadows(later: PendingRow, earlier: PendingRow, records: readonly KafkaRecord[]): boolean {
  const s = later.row;
  const r = earlier.row;
  const ws = writeTime(s);
  const wr = writeTime(r);
  if (ws === undefined || wr === undefined || ws < wr) return false;
  if (ws === wr && !laterInPartition(records[later.owner] as KafkaRecord, records[earlier.owner] as KafkaRecord)) return false;
  const shape = s.shape;
  const shadowedShape = r.shape;
  if (shape === undefined || shadowedShape === undefined) return false;
  if (shape.kind === 'delete-row') return true;
  if (shape.kind === 'delete-columns') return shadowedShape.kind === 'delete-columns';
  if (shadowedShape.kind !== 'insert' || s.statement !== r.statement) return false;
  for (let at = 0; at < shape.columns; at++) {
    if (r.values[at] !== types.unset && s.values[at] === types.unset) return false;
  }
  return true;
}

function laterInPartition(later: KafkaRecord, earlier: KafkaRecord): boolean {
  return later.topic === earlier.topic && later.partition === earlier.partition && compareOffsets(later.offset, earlier.offset) > 0;
}
