/**
 * The soak's producer, in its own process so that its memory is not the
 * sink's: `tsx local/soak/produce.ts <bootstrap> <topic> <records> <partitions> <t0>`.
 *
 * It produces only as far as its credit: each line on stdin is the record
 * number it may produce up to (the parent sends "committed + window"), so the
 * sink runs a steady stream with a bounded lag rather than draining a backlog.
 * Prints one line per 100,000 records sent.
 */
import { createInterface } from 'node:readline';
import { Producer } from '@platformatic/kafka';
import { soakRecord } from './records.js';

const [bootstrap, topic, recordsText, partitionsText, t0Text] = process.argv.slice(2);
if (bootstrap === undefined || topic === undefined || recordsText === undefined || partitionsText === undefined || t0Text === undefined) {
  throw new Error('usage: produce.ts <bootstrap> <topic> <records> <partitions> <t0>');
}
const records = Number(recordsText);
const partitions = Number(partitionsText);
const t0 = Number(t0Text);
const CHUNK = 2_000;

let credit = 0;
let wake: (() => void) | undefined;
createInterface({ input: process.stdin }).on('line', (line) => {
  const value = Number(line);
  if (Number.isFinite(value) && value > credit) credit = value;
  wake?.();
});

const producer = new Producer({ clientId: 'soak-producer', bootstrapBrokers: [bootstrap], idempotent: true, retries: 20 });
try {
  let sent = 0;
  while (sent < records) {
    if (sent >= credit) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const until = Math.min(records, credit, sent + CHUNK);
    const messages = [];
    for (let n = sent; n < until; n++) {
      const r = soakRecord(n, partitions, t0);
      messages.push({
        topic,
        partition: r.partition,
        key: Buffer.from(r.key),
        value: Buffer.from(r.value),
        timestamp: BigInt(r.timestamp),
      });
    }
    await producer.send({ messages });
    const before = sent;
    sent = until;
    if (Math.floor(sent / 100_000) > Math.floor(before / 100_000) || sent === records) process.stdout.write(`produced ${String(sent)}\n`);
  }
} finally {
  await producer.close();
}
process.exit(0);
