import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../../support/services.js';

describe('local Kafka', () => {
  const bootstrapBrokers = [endpoints.kafka];
  const topic = uniqueName('it-services');
  const admin = new Admin({ clientId: 'it-admin', bootstrapBrokers });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  });

  it('creates a topic, then produces and consumes records in order with headers', async () => {
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    const metadata = await admin.metadata({ topics: [topic] });
    expect(metadata.topics.get(topic)?.partitionsCount).toBe(2);

    const producer = new Producer({ clientId: 'it-producer', bootstrapBrokers, serializers: stringSerializers });
    const sent = Array.from({ length: 5 }, (_, i) => ({
      topic,
      partition: 1,
      key: `k${i}`,
      value: `v${i}`,
      headers: new Map([['seq', String(i)]]),
    }));
    await producer.send({ messages: sent });
    await producer.close();

    const consumer = new Consumer({
      groupId: uniqueName('it-group'),
      clientId: 'it-consumer',
      bootstrapBrokers,
      deserializers: stringDeserializers,
    });
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const received: { key: string; value: string; partition: number; offset: bigint; seq: string | undefined }[] = [];
    for await (const message of stream) {
      received.push({
        key: message.key,
        value: message.value,
        partition: message.partition,
        offset: message.offset,
        seq: message.headers.get('seq'),
      });
      if (received.length === sent.length) break;
    }
    await stream.close();
    await consumer.close(true);

    expect(received.map((m) => m.value)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(received.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(new Set(received.map((m) => m.partition))).toEqual(new Set([1]));
    expect(received.map((m) => m.seq)).toEqual(['0', '1', '2', '3', '4']);
  });
});
