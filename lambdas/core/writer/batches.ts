import type { RowWrite, WriteTarget } from './row.js';

/** A row and the index of the record it came from. */
export interface PendingRow {
  readonly row: RowWrite;
  readonly owner: number;
}

/** Statements that go to Cassandra together: one UNLOGGED batch, or a plain statement when alone. */
export type Batch = readonly PendingRow[];

/**
 * Batches that must run one after the other. A chain is the unit of
 * concurrency: different chains run in parallel, the batches of one chain
 * in order.
 */
export type Chain = readonly Batch[];

/**
 * Groups rows by table and partition, keeping Kafka order within a group,
 * into batches of at most `maxBatch` statements.
 *
 * Rows with their own write time (USING TIMESTAMP) converge whatever the
 * execution order, so each of their batches is a chain of its own and runs
 * concurrently with the others. Two writes of one row in the same
 * millisecond get distinct write times in Kafka order first
 * (write-order.ts): at equal write times Cassandra would keep the larger
 * value (a tombstone beats any value), not the later record.
 *
 * Rows without a write time of their own (counters, clientTimestamps false,
 * custom queries) get the coordinator's clock, one timestamp per batch: the
 * batches of one partition form one chain, in order, and a batch is cut
 * before a row that repeats a key already in it.
 */
export function planChains(rows: readonly PendingRow[], maxBatch: number): Chain[] {
  const groups = new Map<WriteTarget, Map<string, PendingRow[]>>();
  for (const pending of rows) {
    let byPartition = groups.get(pending.row.target);
    if (byPartition === undefined) groups.set(pending.row.target, (byPartition = new Map<string, PendingRow[]>()));
    const group = byPartition.get(pending.row.partition);
    if (group === undefined) byPartition.set(pending.row.partition, [pending]);
    else group.push(pending);
  }
  const chains: Chain[] = [];
  for (const [target, byPartition] of groups) {
    for (const group of byPartition.values()) {
      const batches = split(group, maxBatch, target.serverTimestamps);
      if (target.serverTimestamps) chains.push(batches);
      else for (const batch of batches) chains.push([batch]);
    }
  }
  return chains;
}

function split(group: readonly PendingRow[], maxBatch: number, cutOnRepeat: boolean): Batch[] {
  if (group.length === 1) return [group];
  const batches: Batch[] = [];
  let current: PendingRow[] = [];
  const seen = cutOnRepeat ? new Set<string>() : undefined;
  for (const pending of group) {
    if (current.length === maxBatch || seen?.has(pending.row.row) === true) {
      batches.push(current);
      current = [];
      seen?.clear();
    }
    current.push(pending);
    seen?.add(pending.row.row);
  }
  batches.push(current);
  return batches;
}
