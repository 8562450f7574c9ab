/**
 * Progress of a consumer group on one topic, read from the offsets it has
 * committed: the same yardstick for the local poller and for Kafka Connect.
 */
import { Admin } from '@platformatic/kafka';
import { endpoints } from '../../local/services/index.js';

export interface Sample {
  readonly atMs: number;
  readonly done: number;
}

export interface GroupWatch {
  /** Samples every `intervalMs` until `total` records are committed or `timeoutMs` passes; resolves the samples. */
  until(total: number, timeoutMs: number): Promise<Sample[]>;
  close(): Promise<void>;
}

export function watchGroup(groupId: string, topic: string, intervalMs = 100): GroupWatch {
  const admin = new Admin({ clientId: 'bench-watch', bootstrapBrokers: [endpoints.kafka] });
  const committed = async (): Promise<number> => {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    let done = 0;
    for (const t of group?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) if (p.committedOffset > 0n) done += Number(p.committedOffset);
    }
    return done;
  };
  return {
    async until(total, timeoutMs) {
      const started = performance.now();
      const samples: Sample[] = [];
      for (;;) {
        const done = await committed().catch(() => 0);
        samples.push({ atMs: performance.now(), done });
        if (done >= total) return samples;
        if (performance.now() - started > timeoutMs)
          throw new Error(`group ${groupId} committed ${String(done)} of ${String(total)} records in ${String(timeoutMs)} ms`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    close: () => admin.close(),
  };
}
