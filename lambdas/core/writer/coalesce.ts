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
export function coalesce(rows: readonly PendingRow[], records: readonly KafkaRecord[]): Coalesced {
  const groups = new Map<WriteTarget, Map<string, PendingRow[]>>();
  let candidates = 0;
  for (const pending of rows) {
    if (writeTime(pending.row) === undefined) continue;
    let byRow = groups.get(pending.row.target);
    if (byRow === undefined) groups.set(pending.row.target, (byRow = new Map<string, PendingRow[]>()));
    const key = `${pending.row.partition}\u0001${pending.row.row}`;
    const group = byRow.get(key);
    if (group === undefined) byRow.set(key, [pending]);
    else {
      group.push(pending);
      candidates++;
    }
  }
  if (candidates === 0) return { send: [...rows], shadowed: [] };

  const left = new Set<PendingRow>();
  const shadowed: ShadowedRow[] = [];
  for (const byRow of groups.values()) {
    for (const group of byRow.values()) {
      if (group.length < 2) continue;
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
  }
  return { send: left.size === 0 ? [...rows] : rows.filter((pending) => !left.has(pending)), shadowed };
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
