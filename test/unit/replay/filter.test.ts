import { describe, expect, it } from 'vitest';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createRecordFilter } from '../../../lambdas/core/filter/index.js';
import { createReplay } from '../../../lambdas/core/replay/replay.js';
import { kafkaRecord } from '../../kit/index.js';
import { fakeReplayPorts } from './fake-ports.js';

const record = (offset: number, value: string | null): KafkaRecord =>
  kafkaRecord({
    offset: String(offset),
    timestamp: 1_770_000_000_000 + offset,
    key: Buffer.from(`k${String(offset)}`),
    value: value === null ? null : Buffer.from(value),
  });

const onFailure = (first: number, last: number, payload?: unknown): string =>
  JSON.stringify({
    KafkaBatchInfo: { batchSize: 2, recordsInfo: { 'orders-0': { firstRecordOffset: String(first), lastRecordOffset: String(last) } } },
    ...(payload === undefined ? {} : { payload }),
  });

const messages = (...bodies: string[]) => bodies.map((body, i) => ({ id: `m${String(i)}`, body }));
const run = { deadlineMs: Date.now() + 60_000 };

const range = [
  record(10, JSON.stringify({ status: 'PAID' })),
  record(11, JSON.stringify({ status: 'NEW' })),
  record(12, 'plain text'),
  record(13, null),
  record(14, JSON.stringify({ status: 'PAID' })),
];
const filter = createRecordFilter([{ value: { status: ['PAID'] } }], 'KAFKA_FILTERS');

describe('replay of an on-failure range with the mapping’s filters', () => {
  it('writes only the re-read records the filters let through', async () => {
    const ports = fakeReplayPorts({ refetch: () => Promise.resolve({ records: range, missing: [] }) });
    expect(await createReplay(ports, { filter }).replay(messages(onFailure(10, 14)), run)).toEqual([]);
    expect(ports.refetched).toEqual([[{ topic: 'orders', partition: 0, firstOffset: '10', lastOffset: '14' }]]);
    expect(ports.written.map((r) => r.offset)).toEqual(['10', '14']);
    expect(ports.logs).toContainEqual({
      level: 'info',
      message: 'records skipped by the event source filters',
      fields: { messageId: 'm0', filtered: 3, kept: 2 },
    });
  });

  it('filters an S3 destination’s payload the same way', async () => {
    const payload = {
      eventSource: 'aws:kafka',
      bootstrapServers: 'b:9092',
      records: {
        'orders-0': range.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          offset: Number(r.offset),
          timestamp: r.timestamp,
          timestampType: r.timestampType,
          key: r.key?.toString('base64'),
          value: r.value === null ? null : r.value.toString('base64'),
          headers: [],
        })),
      },
    };
    const ports = fakeReplayPorts({ refetch: () => Promise.reject(new Error('not needed')) });
    expect(await createReplay(ports, { filter }).replay(messages(onFailure(10, 14, payload)), run)).toEqual([]);
    expect(ports.refetched).toEqual([]);
    expect(ports.written.map((r) => r.offset)).toEqual(['10', '14']);
  });

  it('writes every record of the range without filters', async () => {
    const ports = fakeReplayPorts({ refetch: () => Promise.resolve({ records: range, missing: [] }) });
    await createReplay(ports).replay(messages(onFailure(10, 14)), run);
    expect(ports.written.map((r) => r.offset)).toEqual(['10', '11', '12', '13', '14']);
  });
});
