import type cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { expectedDemoState, planDemoRecords, type DemoOrder, type DemoRecord } from '../../local/runner/demo-data.js';
import { produceDemo } from '../../local/runner/demo-produce.js';
import type { KafkaHandler } from '../../local/poller/types.js';
import { bootstrapServers, committedTotal, drainDeadLetters, until, useDemoSession } from './support.js';

const { cql: client, target, runner } = useDemoSession();

function asOrderRow(row: cassandra.types.Row): Record<string, unknown> {
  const shipping = row.get('shipping') as Record<string, unknown> | null;
  const tags = row.get('tags') as string[] | null;
  return {
    order_id: String(row.get('order_id')),
    customer_id: row.get('customer_id') as unknown,
    status: row.get('status') as unknown,
    amount: String(row.get('amount')),
    currency: row.get('currency') as unknown,
    items: row.get('items') as unknown,
    created_at: (row.get('created_at') as Date).toISOString().replace('.000Z', 'Z'),
    shipping: shipping === null ? null : { ...shipping },
    tags: tags === null ? [] : [...tags].sort(),
  };
}

function asExpected(order: DemoOrder): Record<string, unknown> {
  const columns: Record<string, unknown> = { ...order };
  delete columns.retention_days;
  return { ...columns, items: [...order.items], shipping: { ...order.shipping }, tags: [...order.tags].sort() };
}

async function rows(keyspace: string, table: string): Promise<cassandra.types.Row[]> {
  const result = await client().execute(`SELECT * FROM ${keyspace}.${table}`, [], { fetchSize: 5000, autoPage: true });
  return result.rows;
}

async function countRows(keyspace: string, table: string): Promise<number> {
  return (await rows(keyspace, table)).length;
}

describe('the local runner end to end (real Kafka, Cassandra and SQS)', () => {
  it('writes exactly the expected rows, dead-letters the poison records and commits every offset', async () => {
    const t = await target('e2e_sink');
    const plan = planDemoRecords({ count: 600, poison: 9, tombstones: 9, seed: 42 });
    const expected = expectedDemoState(plan);
    await produceDemo(bootstrapServers, t.topic, plan);
    const sink = await runner(t);
    await until('all 600 offsets committed', async () => (await committedTotal(t)) === 600n, 60_000, 250);
    await sink.poller.refreshLag();
    const partitions = sink.poller.stats().partitions;
    await sink.stop();

    // Offsets: every partition committed up to its high watermark.
    expect(partitions).toHaveLength(3);
    for (const p of partitions) expect(p.committed).toBe(p.highWatermark);

    // Rows: orders_by_id holds every order but the deleted ones, with every column as produced.
    const byId = (await rows(t.keyspace, 'orders_by_id')).map(asOrderRow);
    expect(byId).toHaveLength(expected.byId.size);
    const wanted = new Map([...expected.byId].map(([id, order]) => [id, asExpected(order)]));
    for (const row of byId) expect(row).toEqual(wanted.get(String(row.order_id)));
    // orders_by_customer keeps history (deletesEnabled: false): every valid order, tombstoned ones included.
    expect(await countRows(t.keyspace, 'orders_by_customer')).toBe(expected.byCustomer.length);
    const cities = await client().execute(`SELECT customer_id, created_at, order_id, city FROM ${t.keyspace}.orders_by_customer`, [], {
      fetchSize: 5000,
    });
    const cityOf = new Map(expected.byCustomer.map((o) => [o.order_id, o.shipping.city]));
    for (const row of cities.rows) expect(row.get('city')).toBe(cityOf.get(String(row.get('order_id'))));

    // Dead letters in the real queue: exactly the poison records, each with its error. Tombstones are
    // not among them: orders_by_id deletes, and orders_by_customer (deletesEnabled: false) leaves its rows.
    const letters = await drainDeadLetters(t.dlqUrl);
    const keyOf = (letter: (typeof letters)[number]): string => Buffer.from(letter.record.key ?? '', 'base64').toString();
    const poison = letters.filter((l) => l.record.value !== null);
    expect(letters.filter((l) => l.record.value === null)).toEqual([]);
    expect(poison.map(keyOf).sort()).toEqual([...expected.poisonKeys].sort());
    for (const letter of poison) {
      expect(letter.error.kind).toBe('poison');
      expect(letter.targetTables.sort()).toEqual([`${t.keyspace}.orders_by_customer`, `${t.keyspace}.orders_by_id`]);
      expect(letter.error.message).toMatch(/not a decimal|not a UUID|timestamp/i);
    }
    expect(sink.counts).toMatchObject({ written: 600 - 9, deadLettered: 9, failed: 0 });
  });

  it('loses nothing when the runner is stopped mid-stream and started again', async () => {
    const t = await target('e2e_restart');
    const plan = planDemoRecords({ count: 3000, poison: 0, tombstones: 0, seed: 7 });
    await produceDemo(bootstrapServers, t.topic, plan);
    // Small batches and one invocation at a time, so that the stop lands mid-stream.
    const slow = { batchSize: 20, maxConcurrency: 1 };
    const first = await runner(t, { poller: slow });
    await until('300 records written by the first runner', () => first.counts.written >= 300, 60_000, 250);
    await first.stop();
    const afterStop = await committedTotal(t);
    expect(afterStop).toBeGreaterThan(0n);
    expect(afterStop).toBeLessThan(3000n);

    const second = await runner(t, { poller: { batchSize: 200 } });
    await until('all 3000 offsets committed', async () => (await committedTotal(t)) === 3000n, 60_000, 250);
    await second.stop();
    expect(await countRows(t.keyspace, 'orders_by_id')).toBe(3000);
    expect(await countRows(t.keyspace, 'orders_by_customer')).toBe(3000);
    // The second runner started where the first one committed: together they wrote at least everything.
    expect(first.counts.written + second.counts.written).toBeGreaterThanOrEqual(3000);
    expect(second.counts.written).toBeLessThanOrEqual(3000 - Number(afterStop) + 100);
  });

  it('resumes a partition from the offset of a failed invocation', async () => {
    const t = await target('e2e_failure');
    const plan: DemoRecord[] = planDemoRecords({ count: 300, poison: 0, tombstones: 0, seed: 9 });
    await produceDemo(bootstrapServers, t.topic, plan);
    const deliveries: { partition: number; first: number; last: number; failed: boolean }[] = [];
    let failedOnce = false;
    // A real function error: the first invocation carrying a partition-1 batch past its start throws, as a crashed function would.
    const wrapHandler =
      (handler: KafkaHandler): KafkaHandler =>
      async (event, context) => {
        const batches = Object.values(event.records);
        const fail = !failedOnce && batches.some((records) => records[0]?.partition === 1 && records[0].offset > 0);
        for (const records of batches) {
          const first = records[0];
          const last = records[records.length - 1];
          if (first !== undefined && last !== undefined)
            deliveries.push({ partition: first.partition, first: first.offset, last: last.offset, failed: fail });
        }
        if (fail) {
          failedOnce = true;
          throw new Error('injected function error');
        }
        return handler(event, context);
      };
    const sink = await runner(t, { wrapHandler, poller: { batchSize: 25, maxConcurrency: 1 } });
    await until('all 300 offsets committed', async () => (await committedTotal(t)) === 300n, 60_000, 250);
    const stats = sink.poller.stats();
    await sink.stop();

    const failed = deliveries.find((d) => d.failed && d.partition === 1);
    expect(failed).toBeDefined();
    const next = deliveries.slice(deliveries.indexOf(failed as (typeof deliveries)[number]) + 1).find((d) => d.partition === 1);
    // The next batch of that partition starts at the first offset of the failed one: nothing skipped, nothing reordered.
    expect(next?.first).toBe(failed?.first);
    expect(stats.failedInvocations).toBe(1);
    expect(await countRows(t.keyspace, 'orders_by_id')).toBe(300);
  });
});
