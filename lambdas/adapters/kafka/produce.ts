import { createKafkaProducer } from './clients.js';
import { kafkaTargetConnection, type KafkaTarget } from './connection.js';

/** One record to produce; headers by name, their values as text or bytes. */
export interface OutgoingRecord {
  readonly key?: Buffer;
  /** Undefined: a tombstone. */
  readonly value?: Buffer;
  readonly headers: ReadonlyMap<string, string | Buffer>;
  readonly timestamp?: bigint;
  readonly partition?: number;
}

export interface ProduceOptions {
  /** @default 'kafka-cql-sink-producer' */
  readonly clientId?: string;
  /** Called after each chunk of up to 1,000 records is acknowledged. */
  readonly onProgress?: (sent: number, total: number) => void;
}

/** Produces records to `topic` in order, in chunks, with an idempotent producer so a retried send never duplicates a record. */
export async function produceRecords(
  target: KafkaTarget,
  topic: string,
  records: readonly OutgoingRecord[],
  options: ProduceOptions = {},
): Promise<void> {
  const producer = createKafkaProducer(kafkaTargetConnection(target), options.clientId ?? 'kafka-cql-sink-producer');
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
      options.onProgress?.(Math.min(records.length, from + chunk), records.length);
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
}
