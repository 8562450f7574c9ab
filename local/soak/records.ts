import { createHash } from 'node:crypto';

/**
 * The soak's records, a pure function of their number, so the producer (a
 * child process) and the final check (the parent) agree without holding a
 * million records in memory. One record in 10,000 is poison (a `seq` that is
 * not a bigint) and goes to the dead-letter queue.
 */
export interface SoakRecord {
  readonly n: number;
  readonly partition: number;
  readonly key: string;
  readonly value: string;
  readonly timestamp: number;
  readonly poison: boolean;
}

export const POISON_EVERY = 10_000;

export function soakRecord(n: number, partitions: number, t0: number): SoakRecord {
  const poison = n % POISON_EVERY === POISON_EVERY / 2;
  const key = `soak-${String(n).padStart(8, '0')}`;
  const payload = `order ${String(n)} for customer ${String((n * 7919) % 100_003)}`;
  const value = JSON.stringify({
    seq: poison ? `not a number ${String(n)}` : n,
    payload,
    amount: `${String(n % 10_000)}.${String(n % 100).padStart(2, '0')}`,
    at: new Date(t0 + n).toISOString(),
    tags: [`t${String(n % 7)}`, `t${String(n % 11)}`],
  });
  return { n, partition: n % partitions, key, value, timestamp: t0 + n, poison };
}

/** The row a good record must leave: `id|seq|payload|amount|at|tags|writetime(seq)`. */
export function expectedRowLine(record: SoakRecord): string {
  const parsed = JSON.parse(record.value) as { seq: number; payload: string; amount: string; at: string; tags: string[] };
  return [
    record.key,
    String(parsed.seq),
    parsed.payload,
    parsed.amount,
    String(Date.parse(parsed.at)),
    parsed.tags.join(','),
    String(BigInt(record.timestamp) * 1000n),
  ].join('|');
}

/** An order-independent checksum over lines: the sum of each line's first 8 sha256 bytes, mod 2^64. */
export class LineChecksum {
  private sum = 0n;
  count = 0;
  add(line: string): void {
    this.sum = (this.sum + createHash('sha256').update(line).digest().readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
    this.count++;
  }
  get value(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}
