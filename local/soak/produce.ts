/**
 * The soak's producer, in its own process so that its memory is not the
 * sink's: `tsx local/soak/produce.ts <bootstrap> <topic> <records> <partitions> <t0>`.
 * Prints one line per 100,000 records sent.
 */
import { Producer } from '@platformatic/kafka';
import { soakRecord } from './records.js';

const [bootstrap, topic, recordsText, partitionsText, t0Text] = process.argv.slice(2);
if (bootstrap === undefined || topic === undefined || recordsText === undefined || partitionsText === undefined || t0Text === undefined) {
  throw new Error('usage: produce.ts <bootstrap> <topic> <records> <partitions> <t0>');
}
const records = Number(recordsText);
const partitions = Number(partitionsText);
const t0 = Number(t0Text);
const producer = new Producer({ clientId: 'soak-producer', bootstrapBrokers: [bootstrap], idempotent: true, retries: 20 });
const CHUNK = 5_000;
try {
  for (let from = 0; from < records; from += CHUNK) {
    const messages = [];
    for (let n = from; n < Math.min(records, from + CHUNK); n++) {
      const r = soakRecord(n, partitions, t0);
      messages.push({ topic, partition: r.partition, key: Buffer.from(r.key), value: Buffer.from(r.value), timestamp: BigInt(r.timestamp) });
    }
    await producer.send({ messages });
    const sent = Math.min(records, from + CHUNK);
    if (sent % 100_000 === 0 || sent === records) process.stdout.write(`produced ${String(sent)}\n`);
  }
} finally {
  await producer.close();
}
