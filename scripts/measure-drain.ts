/**
 * Measures the README's drain figure: with `npm start -- --demo-rate 0`
 * running, runs `npm run produce -- --count N` and reports the time from the
 * start of the produce to the moment the group's committed offsets reach the
 * topic's end on every partition.
 *
 * `tsx scripts/measure-drain.ts [count] [bootstrap] [topic] [group]`
 * (defaults: 10000, 127.0.0.1:$KAFKA_PORT or 9092, orders, kafka-cql-sink-local).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { Admin } from '@platformatic/kafka';

const [count = '10000', bootstrap = `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`, topic = 'orders', groupId = 'kafka-cql-sink-local'] =
  process.argv.slice(2);
const admin = new Admin({ clientId: 'measure-drain', bootstrapBrokers: [bootstrap] });

async function ends(): Promise<Map<number, bigint>> {
  const metadata = await admin.metadata({ topics: [topic] });
  const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
  const [listed] = await admin.listOffsets({
    topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
  });
  return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
}

async function committed(): Promise<Map<number, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  return new Map((group?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
}

try {
  const started = Date.now();
  const produced = spawnSync('npm', ['run', '--silent', 'produce', '--', '--count', count], { stdio: 'ignore' });
  if (produced.status !== 0) throw new Error(`npm run produce exited with ${String(produced.status)}`);
  const producedMs = Date.now() - started;
  const target = await ends();
  for (;;) {
    const done = await committed();
    if ([...target].every(([partition, end]) => (done.get(partition) ?? -1n) >= end)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drainedMs = Date.now() - started;
  console.log(
    JSON.stringify({
      count: Number(count),
      producedMs,
      drainedMs,
      recordsPerSecond: Math.round((Number(count) * 1000) / drainedMs),
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    }),
  );
} finally {
  await admin.close();
}
