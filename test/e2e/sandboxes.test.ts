/**
 * The runner with `sandboxes`: every invocation in a worker thread of its own
 * (local/runner/sandbox), as Lambda runs concurrent invocations. It must
 * deliver exactly what the in-process runner does, and a sandbox that dies
 * mid-invocation must fail that invocation so the poller delivers it again.
 */
import { describe, expect, it } from 'vitest';
import { expectedDemoState, planDemoRecords } from '../../local/runner/demo-data.js';
import { produceDemo } from '../../local/runner/demo-produce.js';
import type { RunningSink } from '../../local/runner/run.js';
import type { SandboxPool } from '../../local/runner/sandbox/pool.js';
import type { KafkaHandler } from '../../local/poller/types.js';
import { bootstrapServers, committedTotal, drainDeadLetters, until, useDemoSession } from './support.js';

const { cql: client, target, runner } = useDemoSession();

/** Every row of the table, as sorted JSON lines (comparable across keyspaces). */
async function tableState(keyspace: string, table: string): Promise<string[]> {
  const result = await client().execute(`SELECT * FROM ${keyspace}.${table}`, [], { fetchSize: 5000, autoPage: true });
  return result.rows.map((row) => JSON.stringify(Object.fromEntries(row.keys().map((k) => [k, String(row.get(k))])))).sort();
}

interface RunResult {
  byId: string[];
  byCustomer: string[];
  poisonKeys: string[];
  counts: RunningSink['counts'];
}

/** One plan for both runs (`now` fixed: the orders' timestamps are relative to it). */
const DEMO = { count: 600, poison: 9, tombstones: 9, seed: 42, now: Date.UTC(2026, 10, 1) };

async function runDemo(prefix: string, sandboxes: number | undefined): Promise<RunResult> {
  const t = await target(prefix);
  const plan = planDemoRecords(DEMO);
  await produceDemo(bootstrapServers, t.topic, plan);
  const sink = await runner(t, { ...(sandboxes === undefined ? {} : { sandboxes }), poller: { maxConcurrency: 3 } });
  await until('all 600 offsets committed', async () => (await committedTotal(t)) === 600n, 90_000);
  await sink.stop();
  const letters = await drainDeadLetters(t.dlqUrl);
  return {
    byId: await tableState(t.keyspace, 'orders_by_id'),
    byCustomer: await tableState(t.keyspace, 'orders_by_customer'),
    poisonKeys: letters.map((l) => Buffer.from(l.record.key ?? '', 'base64').toString()).sort(),
    counts: { ...sink.counts },
  };
}

describe('the local runner with sandboxes (worker threads, real Kafka, Cassandra and SQS)', () => {
  it('writes every record and dead-letters the poison ones exactly as the in-process runner does', async () => {
    const expected = expectedDemoState(planDemoRecords(DEMO));
    const sandboxed = await runDemo('e2e_sbx', 3);
    const inProcess = await runDemo('e2e_sbx_inproc', undefined);

    expect(sandboxed.byId).toHaveLength(expected.byId.size);
    expect(sandboxed.byCustomer).toHaveLength(expected.byCustomer.length);
    expect(sandboxed.poisonKeys).toEqual([...expected.poisonKeys].sort());
    expect(sandboxed.counts).toMatchObject({ written: 600 - 9, deadLettered: 9, failed: 0 });
    // The same rows and the same dead letters as in process (the keyspace name is not in the rows).
    expect(sandboxed.byId).toEqual(inProcess.byId);
    expect(sandboxed.byCustomer).toEqual(inProcess.byCustomer);
    expect(sandboxed.poisonKeys).toEqual(inProcess.poisonKeys);
    expect(sandboxed.counts).toEqual(inProcess.counts);
  });

  it('fails the invocation of a sandbox that dies mid-batch; the batch is delivered again to a fresh sandbox', async () => {
    const t = await target('e2e_sbx_crash');
    const deliveries: { partition: number; first: number; crashed: boolean }[] = [];
    const pool: { current?: SandboxPool } = {};
    let crashedSandboxes = 0;
    let crashError: unknown;
    // The first invocation: the sandbox it runs in is ended while the batch is in it, as a crash or an out-of-memory kill would.
    const wrapHandler =
      (handler: KafkaHandler): KafkaHandler =>
      async (event, context) => {
        const crash = pool.current !== undefined && crashedSandboxes === 0;
        for (const records of Object.values(event.records)) {
          const first = records[0];
          if (first !== undefined) deliveries.push({ partition: first.partition, first: first.offset, crashed: crash });
        }
        const result = handler(event, context);
        if (crash) {
          crashedSandboxes = await (pool.current as SandboxPool).crashBusy();
          await result.catch((error: unknown) => {
            crashError = error;
          });
        }
        return result;
      };
    const sink = await runner(t, { sandboxes: 1, wrapHandler, poller: { batchSize: 50, maxConcurrency: 1 } });
    if (sink.sandboxes !== undefined) pool.current = sink.sandboxes;
    expect(pool.current?.size()).toBe(1);
    await produceDemo(bootstrapServers, t.topic, planDemoRecords({ count: 300, poison: 0, tombstones: 0, seed: 5 }));
    await until('all 300 offsets committed', async () => (await committedTotal(t)) === 300n, 90_000);
    const stats = sink.poller.stats();
    await sink.stop();

    expect(crashedSandboxes).toBe(1);
    expect(String(crashError)).toMatch(/sandbox 1 exited with code 1/);
    expect(stats.failedInvocations).toBe(1);
    // The crashed batch came again, from its first offset, and every record was written once the fresh sandbox took over.
    const crashed = deliveries.filter((d) => d.crashed);
    expect(crashed.length).toBeGreaterThan(0);
    for (const batch of crashed) {
      const later = deliveries.slice(deliveries.indexOf(batch) + 1).find((d) => d.partition === batch.partition);
      expect(later?.first).toBe(batch.first);
    }
    expect((await tableState(t.keyspace, 'orders_by_id')).length).toBe(300);
    expect(sink.counts.written).toBe(300);
  });

  it('fails at start, naming the cause, when a sandbox cannot initialize', async () => {
    const t = await target('e2e_sbx_init');
    const withoutQueue = Object.fromEntries(Object.entries(t.env).filter(([name]) => name !== 'DLQ_URL'));
    await expect(runner({ ...t, env: withoutQueue }, { sandboxes: 2 })).rejects.toThrow(/sandbox \d init failed: DLQ_URL is not set/);
  });
});
