import { Admin, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refetchRecords, splitServers } from '../../../lambdas/adapters/kafka/index.js';
import { parseOnFailureMessage } from '../../../lambdas/core/event/on-failure.js';
import { endpoints, uniqueName } from '../../support/services.js';

// Dashes in the topic name on purpose: "<topic>-<partition>" keys are split on the last dash.
const topic = `replay-${uniqueName('t').replace(/_/g, '-')}`;
const bootstrapServers = splitServers(endpoints.kafka);
const admin = new Admin({ clientId: 'kcs-test-admin', bootstrapBrokers: bootstrapServers });
const producer = new Producer({ clientId: 'kcs-test-producer', bootstrapBrokers: bootstrapServers });

beforeAll(async () => {
  await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  // 30 records on partition 1, in several produce requests (so in several batches), one a tombstone.
  for (let chunk = 0; chunk < 3; chunk++) {
    await producer.send({
      messages: Array.from({ length: 10 }, (_, i) => {
        const n = chunk * 10 + i;
        return {
          topic,
          partition: 1,
          key: Buffer.from(`key-${n}`),
          ...(n === 12 ? {} : { value: Buffer.from(JSON.stringify({ n })) }),
          headers: new Map([[Buffer.from('bin'), Buffer.from([0xff, n & 0xff])]]),
          timestamp: BigInt(1_700_000_000_000 + n),
        };
      }),
    });
  }
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await producer.close();
  await admin.close();
});

describe('refetchRecords against the local Kafka', () => {
  it('re-reads an on-failure offset range exactly, across batches, with keys, headers, timestamps and tombstones', async () => {
    const batch = parseOnFailureMessage({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
      version: '1.0',
      KafkaBatchInfo: {
        batchSize: 17,
        bootstrapServers: endpoints.kafka,
        recordsInfo: { [`${topic}-1`]: { firstRecordOffset: '5', lastRecordOffset: '21' } },
      },
    });
    expect(batch.ranges).toEqual([{ topic, partition: 1, firstOffset: '5', lastOffset: '21' }]);

    const { records, missing } = await refetchRecords({ bootstrapServers, auth: { type: 'none' } }, batch.ranges);
    expect(missing).toEqual([]);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 17 }, (_, i) => String(5 + i)));
    const tombstone = records.find((r) => r.offset === '12');
    expect(tombstone?.value).toBeNull();
    expect(tombstone?.key?.toString()).toBe('key-12');
    const r7 = records.find((r) => r.offset === '7');
    expect(r7).toEqual({
      topic,
      partition: 1,
      offset: '7',
      timestamp: 1_700_000_000_007,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('key-7'),
      value: Buffer.from('{"n":7}'),
      headers: [{ name: 'bin', value: Buffer.from([0xff, 7]) }],
    });
  });

  it('reports offsets past the end of the partition, and unknown partitions, as missing', async () => {
    const { records, missing } = await refetchRecords({ bootstrapServers, auth: { type: 'none' } }, [
      { topic, partition: 1, firstOffset: '28', lastOffset: '40' },
      { topic, partition: 7, firstOffset: '0', lastOffset: '1' },
    ]);
    expect(records.map((r) => r.offset)).toEqual(['28', '29']);
    expect(missing).toEqual([
      { topic, partition: 1, firstOffset: '30', lastOffset: '40' },
      { topic, partition: 7, firstOffset: '0', lastOffset: '1' },
    ]);
  });

  it('reads an empty partition as all missing', async () => {
    const { records, missing } = await refetchRecords({ bootstrapServers, auth: { type: 'none' } }, [
      { topic, partition: 0, firstOffset: '0', lastOffset: '0' },
    ]);
    expect(records).toEqual([]);
    expect(missing).toHaveLength(1);
  });
});
