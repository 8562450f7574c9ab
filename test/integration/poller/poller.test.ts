import { Admin, Producer } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordFilter } from '../../../lambdas/core/filter/index.js';
import { createPoller, type Poller, type PollerOptions } from '../../../local/poller/index.js';
import type { MskEvent, OnFailureInvocationRecord } from '../../../local/poller/types.js';
import { endpoints, uniqueName } from '../../support/services.js';

const bootstrapServers = [endpoints.kafka];
const admin = new Admin({ clientId: 'it-poller-admin', bootstrapBrokers: bootstrapServers });
// Idempotent: a send retried against a freshly created topic must not duplicate records (the tests count them).
const producer = new Producer({ clientId: 'it-poller-producer', bootstrapBrokers: bootstrapServers, idempotent: true });
const topics: string[] = [];
const pollers: Poller[] = [];

interface Seen {
  key: string;
  offset: number;
  value: string | undefined;
}

/** A test double of the handler port that records each event. */
function recorder(decide: (event: MskEvent, calls: number) => unknown = () => undefined) {
  const events: MskEvent[] = [];
  const handler = (event: MskEvent): Promise<unknown> => {
    events.push(event);
    return Promise.resolve(decide(event, events.length));
  };
  const seen = (): Seen[] =>
    events.flatMap((e) =>
      Object.entries(e.records).flatMap(([key, records]) =>
        records.map((r) => ({
          key,
          offset: r.offset,
          value: r.value === undefined || r.value === null ? undefined : Buffer.from(r.value, 'base64').toString(),
        })),
      ),
    );
  return { events, handler, seen };
}

async function newTopic(partitions = 3): Promise<string> {
  const topic = uniqueName('it-poller-topic').replaceAll('_', '-');
  await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  topics.push(topic);
  await until(async () => {
    const metadata = await admin.metadata({ topics: [topic] });
    const described = metadata.topics.get(topic);
    return described?.partitionsCount === partitions && described.partitions.every((p) => p.leader >= 0);
  });
  return topic;
}

/** Produces `perPartition` records to each partition; values are "<partition>:<i>". */
async function produce(topic: string, partitions: number, perPartition: number, from = 0): Promise<void> {
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = from; i < from + perPartition; i++) {
      messages.push({
        topic,
        partition: p,
        key: Buffer.from(`k${String(i)}`),
        value: Buffer.from(`${String(p)}:${String(i)}`),
        headers: new Map([[Buffer.from('seq'), Buffer.from([i % 256, 0xff])]]),
      });
    }
  }
  await producer.send({ messages });
}

function start(options: Partial<PollerOptions> & Pick<PollerOptions, 'topics' | 'groupId' | 'handler'>): Poller {
  const poller = createPoller({
    bootstrapServers,
    batchSize: 10,
    maximumBatchingWindowMs: 100,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 6000,
    statsIntervalMs: 0,
    timeoutMs: 5000,
    retryBackoff: { initialMs: 100, maxMs: 400 },
    ...options,
  });
  pollers.push(poller);
  if (process.env.POLLER_DEBUG === '1') {
    poller.events.on('invocation', (r) => {
      console.log('invocation', JSON.stringify(r));
    });
    poller.events.on('commit', (c) => {
      console.log('commit', c.topic, c.partition, c.offset);
    });
    poller.events.on('warning', (e) => {
      console.log('warning', e.message);
    });
  }
  return poller;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function committedOffsets(groupId: string, topic: string): Promise<Record<number, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const out: Record<number, bigint> = {};
  for (const t of group?.topics ?? []) {
    if (t.name !== topic) continue;
    for (const p of t.partitions) out[p.partitionIndex] = p.committedOffset;
  }
  return out;
}

afterAll(async () => {
  await Promise.allSettled(pollers.map((p) => p.stop()));
  await producer.close();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.close();
});

describe('local event-source poller against the real Kafka', () => {
  it('delivers every record once, in per-partition order, in batches of at most batchSize, and commits', async () => {
    const topic = await newTopic(3);
    const groupId = uniqueName('it-poller-group');
    await produce(topic, 3, 25);
    const r = recorder();
    const poller = start({ topics: [topic], groupId, handler: r.handler });
    await poller.start();
    await until(() => r.seen().length >= 75);
    await until(
      async () =>
        Object.values(await committedOffsets(groupId, topic)).every((o) => o === 25n) &&
        Object.keys(await committedOffsets(groupId, topic)).length === 3,
    );
    await poller.stop();

    const seen = r.seen();
    expect(seen).toHaveLength(75);
    for (let p = 0; p < 3; p++) {
      const mine = seen.filter((s) => s.key === `${topic}-${String(p)}`);
      expect(mine.map((s) => s.offset)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(mine.map((s) => s.value)).toEqual(Array.from({ length: 25 }, (_, i) => `${String(p)}:${String(i)}`));
    }
    for (const event of r.events) {
      expect(event.eventSource).toBe('aws:kafka');
      expect(event.bootstrapServers).toBe(endpoints.kafka);
      expect(Object.values(event.records).reduce((n, list) => n + list.length, 0)).toBeLessThanOrEqual(10);
    }
    const sample = r.events[0]?.records[`${topic}-0`]?.[1];
    if (sample !== undefined) {
      expect(sample).toMatchObject({
        topic,
        partition: 0,
        offset: 1,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('k1').toString('base64'),
        headers: [{ seq: [1, -1] }],
      });
      expect(typeof sample.timestamp).toBe('number');
    }
    const stats = poller.stats();
    expect(stats.recordsProcessed).toBe(75);
    expect(stats.failedInvocations).toBe(0);
    expect(await committedOffsets(groupId, topic)).toEqual({ 0: 25n, 1: 25n, 2: 25n });
  });

  it('resumes a partition at its lowest failed offset after a partial batch response; other partitions are not redelivered', async () => {
    const topic = await newTopic(3);
    const groupId = uniqueName('it-poller-group');
    await produce(topic, 3, 6);
    const failKey = `${topic}-1`;
    let failed = false;
    const r = recorder((event) => {
      const records = event.records[failKey];
      const target = records?.find((rec) => rec.offset === 3);
      if (!failed && target !== undefined) {
        failed = true;
        // Report 4 and 3: the lowest (3) wins.
        return {
          batchItemFailures: [{ itemIdentifier: { partition: failKey, offset: 4 } }, { itemIdentifier: { partition: failKey, offset: 3 } }],
        };
      }
      return { batchItemFailures: [] };
    });
    const poller = start({ topics: [topic], groupId, handler: r.handler, batchSize: 20, maximumBatchingWindowMs: 300 });
    await poller.start();
    await until(async () => {
      const c = await committedOffsets(groupId, topic);
      return c[0] === 6n && c[1] === 6n && c[2] === 6n;
    });
    await poller.stop();

    const seen = r.seen();
    const offsetsOf = (key: string): number[] => seen.filter((s) => s.key === key).map((s) => s.offset);
    expect(failed).toBe(true);
    // Partition 1: 0..5 once, then 3..5 again (3 was the lowest failed offset).
    expect(offsetsOf(failKey)).toEqual([0, 1, 2, 3, 4, 5, 3, 4, 5]);
    expect(offsetsOf(`${topic}-0`)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(offsetsOf(`${topic}-2`)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(poller.stats().partialFailures).toBe(1);
  });

  it('retries a throwing handler with backoff, then sends KafkaBatchInfo to the on-failure destination and moves on', async () => {
    const topic = await newTopic(1);
    const groupId = uniqueName('it-poller-group');
    await produce(topic, 1, 3);
    const times: number[] = [];
    const r = recorder((event) => {
      times.push(Date.now());
      if (event.records[`${topic}-0`]?.some((rec) => rec.offset <= 2)) throw new Error('poison');
      return undefined;
    });
    const destination: OnFailureInvocationRecord[] = [];
    const poller = start({
      topics: [topic],
      groupId,
      handler: r.handler,
      maximumRetryAttempts: 2,
      retryBackoff: { initialMs: 200, maxMs: 1000, multiplier: 2 },
      onFailure: (record) => {
        destination.push(record);
        return Promise.resolve();
      },
    });
    await poller.start();
    await until(() => destination.length === 1);
    await produce(topic, 1, 2, 3); // offsets 3, 4 after the discarded batch
    await until(async () => (await committedOffsets(groupId, topic))[0] === 5n);
    await poller.stop();

    // 1 invocation + 2 retries of the same batch, with growing gaps (200 ms, then 400 ms).
    const failing = r.events.filter((e) => e.records[`${topic}-0`]?.[0]?.offset === 0);
    expect(failing).toHaveLength(3);
    for (const e of failing) expect(e.records[`${topic}-0`]?.map((rec) => rec.offset)).toEqual([0, 1, 2]);
    const [t0 = 0, t1 = 0, t2 = 0] = times;
    expect(t1 - t0).toBeGreaterThanOrEqual(180);
    expect(t2 - t1).toBeGreaterThanOrEqual(380);

    const [record] = destination;
    expect(record?.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(record?.responseContext).toMatchObject({ statusCode: 200, functionError: 'Unhandled' });
    expect(record?.KafkaBatchInfo).toMatchObject({
      batchSize: 3,
      bootstrapServers: endpoints.kafka,
      consumerGroupId: groupId,
      recordsInfo: { [`${topic}-0`]: { firstRecordOffset: '0', lastRecordOffset: '2' } },
    });
    // The poller moved on: 3 and 4 were delivered after the discard.
    expect(
      r
        .seen()
        .filter((s) => s.offset >= 3)
        .map((s) => s.offset),
    ).toEqual([3, 4]);
    expect(poller.stats().recordsDiscarded).toBe(3);
  });

  it('loses nothing when stopped mid-stream and restarted with the same group; committed records are not redelivered', async () => {
    const topic = await newTopic(3);
    const groupId = uniqueName('it-poller-group');
    await produce(topic, 3, 40);
    const first = recorder(() => new Promise((resolve) => setTimeout(resolve, 30)));
    const p1 = start({ topics: [topic], groupId, handler: first.handler, batchSize: 5, maximumBatchingWindowMs: 20, maxConcurrency: 2 });
    await p1.start();
    await until(() => first.seen().length >= 30);
    await p1.stop();
    const committedAtStop = await committedOffsets(groupId, topic);
    // Really mid-stream: the first poller neither saw nor committed everything.
    expect(first.seen().length).toBeLessThan(120);
    expect(Object.values(committedAtStop).reduce((n, o) => n + Number(o), 0)).toBeLessThan(120);

    const second = recorder();
    const p2 = start({ topics: [topic], groupId, handler: second.handler });
    await p2.start();
    await until(async () => {
      const c = await committedOffsets(groupId, topic);
      return c[0] === 40n && c[1] === 40n && c[2] === 40n;
    });
    await p2.stop();

    const all = [...first.seen(), ...second.seen()];
    for (let p = 0; p < 3; p++) {
      const key = `${topic}-${String(p)}`;
      const delivered = new Set(all.filter((s) => s.key === key).map((s) => s.offset));
      expect([...delivered].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const committed = Number(committedAtStop[p] ?? -1n);
      const again = second.seen().filter((s) => s.key === key && s.offset < committed);
      expect(again).toEqual([]);
      // The second poller starts exactly at the committed offset, in order.
      const secondOffsets = second
        .seen()
        .filter((s) => s.key === key)
        .map((s) => s.offset);
      expect(secondOffsets).toEqual(Array.from({ length: 40 - Math.max(0, committed) }, (_, i) => i + Math.max(0, committed)));
    }
  });

  it('drains partitions concurrently when one partition’s backlog alone exceeds the record buffer', async () => {
    const topic = await newTopic(3);
    const groupId = uniqueName('it-poller-group');
    // 1200 records of ~1 KiB per partition, sent in chunks as a producer would: more than the buffer (1000) holds.
    const padding = 'x'.repeat(1000);
    for (let chunk = 0; chunk < 6; chunk++) {
      const messages = [];
      for (let p = 0; p < 3; p++) {
        for (let i = chunk * 200; i < (chunk + 1) * 200; i++)
          messages.push({
            topic,
            partition: p,
            key: Buffer.from(`k${String(i)}`),
            value: Buffer.from(`${String(p)}:${String(i)}:${padding}`),
          });
      }
      await producer.send({ messages });
    }
    const spans: { partitions: string[]; start: number; end: number }[] = [];
    const handler = async (event: MskEvent): Promise<unknown> => {
      const span = { partitions: Object.keys(event.records), start: Date.now(), end: Number.POSITIVE_INFINITY };
      spans.push(span);
      await new Promise((resolve) => setTimeout(resolve, 300));
      span.end = Date.now();
      return { batchItemFailures: [] };
    };
    const poller = start({ topics: [topic], groupId, handler, batchSize: 100, maximumBatchingWindowMs: 100, maxConcurrency: 5 });
    await poller.start();
    await until(() => spans.filter((s) => s.end !== Number.POSITIVE_INFINITY).length >= 6);
    await poller.stop();

    // One invocation per partition at a time: concurrency means invocations of different partitions overlap in time.
    const firstEnd = Math.min(...spans.map((s) => s.end));
    const startedBeforeFirstEnd = new Set(spans.filter((s) => s.start < firstEnd).flatMap((s) => s.partitions));
    expect([...startedBeforeFirstEnd].sort()).toEqual([0, 1, 2].map((p) => `${topic}-${String(p)}`));
  });

  it('applies the mapping’s filters: unmatched records are not delivered, and their offsets are committed', async () => {
    const topic = await newTopic(2);
    const groupId = uniqueName('it-poller-group');
    // Partition 0: PAID on even offsets, the last record (9) filtered; partition 1: nothing matches, not even a plain string.
    const status = (i: number): string => (i % 2 === 0 ? 'PAID' : 'NEW');
    await producer.send({
      messages: [
        ...Array.from({ length: 10 }, (_, i) => ({
          topic,
          partition: 0,
          key: Buffer.from(`k${String(i)}`),
          value: Buffer.from(JSON.stringify({ i, status: status(i) })),
        })),
        ...Array.from({ length: 4 }, (_, i) => ({
          topic,
          partition: 1,
          key: Buffer.from(`k${String(i)}`),
          value: Buffer.from(i === 3 ? 'PAID' : JSON.stringify({ i, status: 'NEW' })),
        })),
      ],
    });
    const r = recorder();
    const filter = createRecordFilter([{ value: { status: ['PAID'] } }], 'test');
    const poller = start({ topics: [topic], groupId, handler: r.handler, filter, batchSize: 3 });
    await poller.start();
    await until(async () => {
      const c = await committedOffsets(groupId, topic);
      return c[0] === 10n && c[1] === 4n;
    });
    const stats = poller.stats();
    await poller.stop();
    expect(r.seen().map((s) => [s.key, s.offset])).toEqual([0, 2, 4, 6, 8].map((offset) => [`${topic}-0`, offset]));
    expect(stats.recordsFiltered).toBe(9);
    expect(stats.recordsDelivered).toBe(5);
    expect(stats.recordsProcessed).toBe(5);
  });
});
