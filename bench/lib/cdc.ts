/**
 * A CDC-like workload: change events of a few hundred hot keys (orders whose
 * status and amount change), arriving in bursts that share one millisecond,
 * as a database's change stream delivers them. Keys are partitioned the way
 * a keyed Kafka producer does, so the changes of one key stay in Kafka order.
 * Deterministic for a given salt.
 */
import { makeOrder, type Order } from './records.js';
import type { BenchMessage } from './events.js';

const STATUSES = ['NEW', 'PAID', 'PACKED', 'SHIPPED', 'DELIVERED', 'REFUNDED'];

export interface CdcRecord {
  readonly order: Order;
  readonly timestamp: number;
}

/**
 * `records` changes over `keys` orders: bursts of 1-10 changes of one key,
 * all in the current millisecond, which advances about every 50 records.
 */
export function cdcChanges(records: number, keys: number, salt: number, t0: number): CdcRecord[] {
  let seed = (salt ^ 0x9e3779b9) >>> 0;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: CdcRecord[] = [];
  let ms = t0;
  while (out.length < records) {
    if (random() < 0.15) ms += 1;
    const key = Math.floor(random() * keys);
    const burst = 1 + Math.floor(random() * 10);
    const base = makeOrder(key, salt);
    for (let j = 0; j < burst && out.length < records; j++) {
      const version = out.length;
      out.push({
        order: { ...base, status: STATUSES[version % STATUSES.length] as string, amount: ((version % 100_000) / 100).toFixed(2) },
        timestamp: ms,
      });
    }
  }
  return out;
}

/** Kafka's default partitioner in spirit: one key, one partition (a stable string hash, not murmur2). */
export function partitionOfKey(key: Buffer, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % partitions;
}

export function keyedPartitioner(partitions: number): (message: BenchMessage) => number {
  return (message) => partitionOfKey(message.key, partitions);
}
