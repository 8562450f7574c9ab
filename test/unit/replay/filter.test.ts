import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { KafkaConnection, RefetchResult } from '../../../lambdas/adapters/kafka-refetch.js';
import type { SinkRuntime } from '../../../lambdas/adapters/sink-runtime.js';
import type { OffsetRange } from '../../../lambdas/core/event/on-failure.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createRecordFilter } from '../../../lambdas/core/filter/index.js';
import { createReplayHandler } from '../../../lambdas/replay/create-handler.js';
import { encodeEvent, kafkaRecord, lambdaContext } from '../../kit/index.js';

/** A fake runtime (the project's own port) that records what it is asked to write and writes it. */
function fakeRuntime() {
  const written: KafkaRecord[] = [];
  const run: SinkRuntime['run'] = (records) => {
    written.push(...records);
    return Promise.resolve(records.map((record) => ({ record, status: 'written' as const, tables: [] })) as unknown as Awaited<ReturnType<SinkRuntime['run']>>);
  };
  const runtime = { run, runner: () => run } as unknown as SinkRuntime;
  return { runtime, written };
}

const record = (offset: number, value: string | null): KafkaRecord =>
  kafkaRecord({ offset: String(offset), timestamp: 1_770_000_000_000 + offset, key: Buffer.from(`k${String(offset)}`), value: value === null ? null : Buffer.from(value) });

const onFailure = (first: number, last: number, payload?: unknown): string =>
  JSON.stringify({
    KafkaBatchInfo: { batchSize: 2, recordsInfo: { 'orders-0': { firstRecordOffset: String(first), lastRecordOffset: String(last) } } },
    ...(payload === undefined ? {} : { payload }),
  });

const sqsEvent = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body, i) => ({ messageId: `m${String(i)}`, body }) as SQSEvent['Records'][number]) });
const context = lambdaContext(60_000, { functionName: 'replay' });

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
    const { runtime, written } = fakeRuntime();
    const asked: OffsetRange[][] = [];
    const refetch = (_connection: KafkaConnection, ranges: readonly OffsetRange[]): Promise<RefetchResult> => {
      asked.push([...ranges]);
      return Promise.resolve({ records: range, missing: [] });
    };
    const handler = createReplayHandler(runtime, { kafka: () => Promise.resolve({ bootstrapServers: ['b:9092'], auth: { type: 'none' } }), refetch, filter });
    expect(await handler(sqsEvent(onFailure(10, 14)), context)).toEqual({ batchItemFailures: [] });
    expect(asked).toEqual([[{ topic: 'orders', partition: 0, firstOffset: '10', lastOffset: '14' }]]);
    expect(written.map((r) => r.offset)).toEqual(['10', '14']);
  });

  it('filters an S3 destination’s payload the same way', async () => {
    const { runtime, written } = fakeRuntime();
    const payload = encodeEvent(range, { bootstrapServers: ['b:9092'], tombstones: 'null' });
    const handler = createReplayHandler(runtime, { kafka: () => Promise.reject(new Error('not needed')), filter });
    expect(await handler(sqsEvent(onFailure(10, 14, payload)), context)).toEqual({ batchItemFailures: [] });
    expect(written.map((r) => r.offset)).toEqual(['10', '14']);
  });

  it('writes every record of the range without filters', async () => {
    const { runtime, written } = fakeRuntime();
    const handler = createReplayHandler(runtime, {
      kafka: () => Promise.resolve({ bootstrapServers: ['b:9092'], auth: { type: 'none' } }),
      refetch: () => Promise.resolve({ records: range, missing: [] }),
    });
    await handler(sqsEvent(onFailure(10, 14)), context);
    expect(written.map((r) => r.offset)).toEqual(['10', '11', '12', '13', '14']);
  });
});
