import { createKafkaAdmin } from './clients.js';
import { kafkaTargetConnection, type KafkaTarget } from './connection.js';

/** Creates `topic` with `partitions` partitions unless it exists; waits until every partition has a leader. Returns true if it created it. */
export async function ensureTopic(target: KafkaTarget, topic: string, partitions: number): Promise<boolean> {
  const admin = createKafkaAdmin(kafkaTargetConnection(target), 'kafka-cql-sink-setup');
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

/** The group's committed offset per partition of `topic` (partitions without one are absent). */
export async function committedOffsets(target: KafkaTarget, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = createKafkaAdmin(kafkaTargetConnection(target), 'kafka-cql-sink-offsets');
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
