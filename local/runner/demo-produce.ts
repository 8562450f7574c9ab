/** Producing the demo's records (see demo-data.ts) through the Kafka module. */
import { produceRecords } from '../../lambdas/adapters/kafka/index.js';
import { demoValue, planDemoRecords, type DemoPlanOptions, type DemoRecord } from './demo-data.js';

export interface ProduceSummary {
  readonly topic: string;
  readonly records: readonly DemoRecord[];
  readonly orders: number;
  readonly poison: number;
  readonly tombstones: number;
  readonly ms: number;
}

/**
 * Produces demo records keyed by order id, in chunks, with an idempotent
 * producer so a retried send never duplicates a record.
 */
export async function produceDemo(
  bootstrapServers: readonly string[],
  topic: string,
  plan: DemoPlanOptions | readonly DemoRecord[],
  onProgress?: (sent: number, total: number) => void,
): Promise<ProduceSummary> {
  const records = Array.isArray(plan) ? (plan as readonly DemoRecord[]) : planDemoRecords(plan as DemoPlanOptions);
  const started = Date.now();
  const outgoing = records.map((record) => {
    const value = demoValue(record);
    return {
      key: Buffer.from(record.key),
      ...(value === null ? {} : { value }),
      headers: new Map([
        ['source', 'kafka-cql-sink demo'],
        ['kind', record.kind],
      ]),
    };
  });
  await produceRecords(bootstrapServers, topic, outgoing, {
    clientId: 'kafka-cql-sink-demo-producer',
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const count = (kind: DemoRecord['kind']): number => records.filter((r) => r.kind === kind).length;
  return { topic, records, orders: count('order'), poison: count('poison'), tombstones: count('tombstone'), ms: Date.now() - started };
}
