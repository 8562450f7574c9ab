/** Kafka chores of the local runner: create the demo topic, produce demo records. */
import { Admin, Producer } from '@platformatic/kafka';
import { demoValue, planDemoRecords, type DemoPlanOptions, type DemoRecord } from './demo-data.js';
import type { FileRecord } from './record-file.js';

/** Creates `topic` with `partitions` partitions unless it exists; waits until every partition has a leader. Returns true if it created it. */
export async function ensureTopic(bootstrapServers: readonly string[], topic: string, partitions: number): Promise<boolean> {
  const admin = new Admin({ clientId: 'kafka-cql-sink-setup', bootstrapBrokers: [...bootstrapServers] });
  try {
    const existing = await admin.listTopics();
    let created = false;
    if (!existing.includes(topic)) {
      try {
        await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
        created = true;
      } catch (error) {
        // Another process created it meanwhile: fine.
        if (!JSON.stringify(error, Object.getOwnPropertyNames(error)).includes('TOPIC_ALREADY_EXISTS')) throw error;
      }
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metadata = await admin.metadata({ topics: [topic] });
      const described = metadata.topics.get(topic);
      if (described !== undefined && described.partitionsCount > 0 && described.partitions.every((p) => p.leader >= 0)) return created;
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader for every partition after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export interface ProduceSummary {
  readonly topic: string;
  readonly records: readonly DemoRecord[];
  readonly orders: number;
  readonly poison: number;
  readonly tombstones: number;
  readonly ms: number;
}

/**
 * Produces demo records (see demo-data.ts) keyed by order id, in chunks, with
 * an idempotent producer so a retried send never duplicates a record.
 */
export async function produceDemo(bootstrapServers: readonly string[], topic: string, plan: DemoPlanOptions | readonly DemoRecord[], onProgress?: (sent: number, total: number) => void): Promise<ProduceSummary> {
  const records = Array.isArray(plan) ? (plan as readonly DemoRecord[]) : planDemoRecords(plan as DemoPlanOptions);
  const producer = new Producer({ clientId: 'kafka-cql-sink-demo-producer', bootstrapBrokers: [...bootstrapServers], idempotent: true });
  const started = Date.now();
  try {
    const chunk = 1000;
    for (let from = 0; from < records.length; from += chunk) {
      const messages = records.slice(from, from + chunk).map((record) => {
        const value = demoValue(record);
        return {
          topic,
          key: Buffer.from(record.key),
          ...(value === null ? {} : { value }),
          // A Map with Buffer keys: a plain object of headers makes this client's send never settle.
          headers: new Map([[Buffer.from('source'), Buffer.from('kafka-cql-sink demo')], [Buffer.from('kind'), Buffer.from(record.kind)]]),
        };
      });
      await producer.send({ messages });
      onProgress?.(Math.min(records.length, from + chunk), records.length);
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
  const count = (kind: DemoRecord['kind']): number => records.filter((r) => r.kind === kind).length;
  return { topic, records, orders: count('order'), poison: count('poison'), tombstones: count('tombstone'), ms: Date.now() - started };
}

/** The group's committed offset per partition of `topic` (partitions without one are absent). */
export async function committedOffsets(bootstrapServers: readonly string[], groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = new Admin({ clientId: 'kafka-cql-sink-offsets', bootstrapBrokers: [...bootstrapServers] });
  try {
    const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    const result = new Map<number, bigint>();
    for (const group of groups) {
      for (const t of group.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (p.committedOffset >= 0n) result.set(p.partitionIndex, p.committedOffset);
      }
    }
    return result;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Produces a user's records (see record-file.ts) in file order, with an idempotent producer. */
export async function produceRecords(bootstrapServers: readonly string[], topic: string, records: readonly FileRecord[]): Promise<void> {
  const producer = new Producer({ clientId: 'kafka-cql-sink-producer', bootstrapBrokers: [...bootstrapServers], idempotent: true });
  try {
    const chunk = 1000;
    for (let from = 0; from < records.length; from += chunk) {
      const messages = records.slice(from, from + chunk).map((record) => ({
        topic,
        ...(record.key === undefined ? {} : { key: record.key }),
        ...(record.value === undefined ? {} : { value: record.value }),
        ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
        ...(record.partition === undefined ? {} : { partition: record.partition }),
        // A Map with Buffer keys: a plain object of headers makes this client's send never settle.
        headers: new Map([...record.headers].map(([name, value]) => [Buffer.from(name), Buffer.from(value)])),
      }));
      await producer.send({ messages });
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
}
