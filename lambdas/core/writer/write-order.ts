import type { KafkaRecord } from '../event/record.js';
import type { PendingRow } from './batches.js';
import type { RowWrite, WriteTarget } from './row.js';

/** Microseconds in a millisecond: the room a write time has inside its own millisecond. */
export const MICROS_PER_MILLI = 1000;

/**
 * Gives each write whose write time is the Kafka timestamp × 1000 its place
 * within that millisecond (0-999 µs, added to the write time), so that the
 * writes of one row that share a millisecond and a Kafka partition follow
 * Kafka order in Cassandra too, without leaving their millisecond.
 *
 * `repeated`: the writes of each row written more than once in the call
 * (see groupRepeatedRows). Per row, topic-partition and millisecond, in
 * Kafka (offset) order:
 *  - a write alone in its group keeps exactly timestamp × 1000, the DataStax
 *    connector's write time;
 *  - a group in the millisecond the call starts with (for its partition,
 *    when the call also holds later milliseconds) counts down to 999: it
 *    may continue writes to the row that the previous batch ended with;
 *  - any other group counts up from 0.
 * So a burst of one row in one millisecond that a batch boundary cuts (the
 * event source's batch size, a redelivery from the middle of the burst)
 * keeps Kafka order when the next batch holds at least two of its writes,
 * and both parts fit in 1,000 µs. No scheme can do it in every case: with
 * one-record batches (retries, bisection) the write time is a function of
 * the record alone, and no function of the offset into 1,000 values
 * increases on every pair of consecutive offsets (`offset mod 1000` wraps).
 *
 * Replayed dead letters (`fromDeadLetter`) keep exactly timestamp × 1000,
 * the lowest write time of their millisecond.
 */
export function placeWithinMilliseconds(
  repeated: readonly (readonly PendingRow[])[],
  rows: readonly PendingRow[],
  records: readonly KafkaRecord[],
  memory: PlaceMemory,
): void {
  // A retry of a subset may leave a row alone that had company in the first try: it keeps its place.
  if (memory.size > 0) {
    for (const pending of rows) {
      const remembered = memory.places.get(records[pending.owner] as KafkaRecord)?.get(pending.row.target);
      if (remembered !== undefined && placeable(pending, records)) addPlace(pending.row, remembered);
    }
  }
  if (repeated.length === 0) return;
  const bounds = partitionBounds(records);
  for (const rowGroup of repeated) {
    const groups = new Map<string, PendingRow[]>();
    for (const pending of rowGroup) {
      if (!placeable(pending, records) || memory.places.get(records[pending.owner] as KafkaRecord)?.has(pending.row.target) === true)
        continue;
      const record = records[pending.owner] as KafkaRecord;
      const key = `${record.topic}\u0000${record.partition}\u0000${record.timestamp}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [pending]);
      else group.push(pending);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue; // alone in its millisecond: exactly timestamp × 1000
      group.sort((x, y) => compareOffsets((records[x.owner] as KafkaRecord).offset, (records[y.owner] as KafkaRecord).offset));
      const first = records[(group[0] as PendingRow).owner] as KafkaRecord;
      const partition = bounds.get(`${first.topic}\u0000${first.partition}`);
      const countDown = partition !== undefined && first.timestamp === partition.firstMs && partition.lastMs !== partition.firstMs;
      for (let rank = 0; rank < group.length; rank++) {
        const pending = group[rank] as PendingRow;
        const place = countDown ? Math.max(0, MICROS_PER_MILLI - group.length + rank) : Math.min(MICROS_PER_MILLI - 1, rank);
        addPlace(pending.row, place);
        memory.remember(records[pending.owner] as KafkaRecord, pending.row.target, place);
      }
    }
  }
}

/** Places given so far, per record object and table; `size` counts them (0: nothing to look up). */
export class PlaceMemory {
  readonly places = new WeakMap<KafkaRecord, Map<WriteTarget, number>>();
  size = 0;

  remember(record: KafkaRecord, target: WriteTarget, place: number): void {
    let places = this.places.get(record);
    if (places === undefined) this.places.set(record, (places = new Map<WriteTarget, number>()));
    places.set(target, place);
    this.size++;
  }
}

function placeable({ row, owner }: PendingRow, records: readonly KafkaRecord[]): boolean {
  return (
    row.kafkaTimestamp === true &&
    row.timestampAt !== undefined &&
    typeof row.values[row.timestampAt] === 'bigint' &&
    (records[owner] as KafkaRecord).fromDeadLetter !== true
  );
}

/** Adds `place` µs to the bound write time (the row builder's own values array). */
function addPlace(row: RowWrite, place: number): void {
  if (place === 0 || row.timestampAt === undefined) return;
  const time = row.values[row.timestampAt];
  if (typeof time === 'bigint') (row.values as unknown[])[row.timestampAt] = time + BigInt(place);
}

/** The millisecond of the first and of the last record (in offset order) of each topic-partition. */
function partitionBounds(
  records: readonly KafkaRecord[],
): Map<string, { firstMs: number; lastMs: number; firstOffset: string; lastOffset: string }> {
  const bounds = new Map<string, { firstMs: number; lastMs: number; firstOffset: string; lastOffset: string }>();
  for (const record of records) {
    if (record.timestamp < 0) continue;
    const key = `${record.topic}\u0000${record.partition}`;
    const known = bounds.get(key);
    if (known === undefined) {
      bounds.set(key, { firstMs: record.timestamp, lastMs: record.timestamp, firstOffset: record.offset, lastOffset: record.offset });
      continue;
    }
    if (compareOffsets(record.offset, known.firstOffset) < 0) {
      known.firstOffset = record.offset;
      known.firstMs = record.timestamp;
    }
    if (compareOffsets(record.offset, known.lastOffset) > 0) {
      known.lastOffset = record.offset;
      known.lastMs = record.timestamp;
    }
  }
  return bounds;
}

/** Kafka offsets are 64-bit decimal strings without leading zeros. */
export function compareOffsets(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
