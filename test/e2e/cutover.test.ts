/**
 * The cut-over from a running connector: a real sink connector on Kafka
 * Connect writes the first half of a topic and is stopped; migrate-offsets
 * copies its group connect-<name> into the sink's group; the local sink (the
 * handler under the event-source poller) takes over from there. Every record
 * must be in the table once, with its Kafka timestamp as write time, and the
 * sink must have processed the second half only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../local/cli/main.js';
import { planDemoRecords, type DemoOrder } from '../../local/runner/demo-data.js';
import { committedOffsets, produceRecords } from '../../lambdas/adapters/kafka/index.js';
import type { FileRecord } from '../../local/runner/record-file.js';
import { localCassandraClient } from '../support/services.js';
import { chooseConnector, startConnect, type RunningConnect } from './connect-support.js';
import { bootstrapServers, committedTotal, demoTarget, startRunner, until, type DemoTarget } from './support.js';
import { captureIo } from '../support/capture-io.js';

const RECORDS = 400;
const HALF = RECORDS / 2;
const connector = chooseConnector();

async function groupTotal(groupId: string, topic: string): Promise<number> {
  const offsets = await committedOffsets(bootstrapServers, groupId, topic);
  return Number([...offsets.values()].reduce((a, b) => a + b, 0n));
}

describe('cut-over from a Kafka Connect sink connector', () => {
  let target: DemoTarget;
  let connect: RunningConnect | undefined;

  beforeAll(async () => {
    target = await demoTarget('e2e_cutover');
  });

  afterAll(async () => {
    await connect?.stop();
    await target.cleanup();
  });

  it(`takes over from the ${connector.label} without gaps or reprocessing`, { timeout: 300_000 }, async () => {
    console.log(`cut-over e2e: connector ${connector.label} from ${connector.source}`);
    const name = `cutover-${target.topic}`;
    // Orders without retention_days: every field is a column of orders_by_id (the Camel connector inserts the JSON as is).
    const base = Date.now() - 600_000;
    const orders = planDemoRecords({ count: RECORDS, poison: 0, tombstones: 0, seed: 12 }).flatMap((r) => (r.kind === 'order' ? [r] : []));
    expect(orders).toHaveLength(RECORDS);
    const records: (FileRecord & { order: DemoOrder })[] = orders.map((r, i) => {
      const value = JSON.stringify(r.order, (field, v: unknown) => (field === 'retention_days' ? undefined : v));
      return { order: r.order, key: Buffer.from(r.key), value: Buffer.from(value), headers: new Map(), timestamp: BigInt(base + i) };
    });
    const timestampOf = new Map(records.map((r) => [r.order.order_id, BigInt(base + records.indexOf(r))]));

    // The connector writes the first half; its tasks commit to connect-<name>.
    await produceRecords(bootstrapServers, target.topic, records.slice(0, HALF));
    connect = await startConnect(connector, { name, topic: target.topic, keyspace: target.keyspace, table: 'orders_by_id', tasks: 3 });
    await Promise.race([
      until(
        `connect-${name} committing ${String(HALF)} records`,
        async () => (await groupTotal(`connect-${name}`, target.topic)) === HALF,
        180_000,
        250,
      ),
      connect.exited,
    ]);

    // While its tasks are members of the group, the copy is refused, naming them.
    const busy = captureIo();
    expect(await main(['migrate-offsets', '--local', '--connector-name', name, '--to-group', target.groupId], busy)).toBe(1);
    expect(busy.stderr.join('\n')).toMatch(
      new RegExp(`refused: group connect-${name} has \\d+ active members? \\(connector-consumer-${name}-`),
    );

    await connect.stop();
    connect = undefined;
    await produceRecords(bootstrapServers, target.topic, records.slice(HALF));

    const copy = captureIo();
    expect(
      await main(['migrate-offsets', '--local', '--connector-name', name, '--to-group', target.groupId], copy),
      copy.stderr.join('\n'),
    ).toBe(0);
    expect(copy.stdout).toContain(`copied 3 partition offset(s) of ${target.topic} into group ${target.groupId}`);
    expect(await groupTotal(target.groupId, target.topic)).toBe(HALF);

    const sink = await startRunner(target);
    try {
      await until('the sink committing the whole topic', async () => (await committedTotal(target)) === BigInt(RECORDS), 120_000, 250);
    } finally {
      await sink.stop();
    }
    // The sink handled the second half only: none of the connector's records again.
    expect(sink.counts).toEqual({ written: HALF, deadLettered: 0, failed: 0, coalesced: 0 });

    const cql = localCassandraClient();
    try {
      const byId = await cql.execute(`SELECT order_id, status, WRITETIME(status) AS written FROM ${target.keyspace}.orders_by_id`);
      const rows = new Map(
        byId.rows.map((row) => [
          String(row.get('order_id')),
          { status: String(row.get('status')), written: BigInt(String(row.get('written'))) },
        ]),
      );
      // None skipped: every record has its row, with its values.
      expect(rows.size).toBe(RECORDS);
      for (const record of records) expect(rows.get(record.order.order_id)?.status, record.order.order_id).toBe(record.order.status);
      // Written with the record's Kafka timestamp (ms × 1000): by the connector for the first half, by the sink for the second.
      const wrongTime = records
        .map((r, i) => ({
          id: r.order.order_id,
          i,
          want: (timestampOf.get(r.order.order_id) ?? 0n) * 1000n,
          got: rows.get(r.order.order_id)?.written,
        }))
        .filter((r) => (r.i >= HALF || connector.writesKafkaTimestamp) && r.got !== r.want);
      expect(wrongTime).toEqual([]);

      // Only the sink writes orders_by_customer (the connector maps orders_by_id): exactly the second half is there.
      const byCustomer = await cql.execute(`SELECT order_id FROM ${target.keyspace}.orders_by_customer`);
      const sinkWritten = byCustomer.rows.map((row) => String(row.get('order_id'))).sort();
      expect(sinkWritten).toEqual(
        records
          .slice(HALF)
          .map((r) => r.order.order_id)
          .sort(),
      );
    } finally {
      await cql.shutdown();
    }
  });
});
