/**
 * `npx tsx bench/cpu-ratio.ts [records] [rounds]` — only the bench's Node CPU
 * per record on the real path (with the driver): the handler from the
 * serialized JSON event (JSON.parse timed) against the driver ceiling writing
 * the same rows, all-distinct keys, at the deployment's batch size, alternating
 * batch by batch as `npm run bench` does. A quick check of the
 * `node_cpu_us_per_record_handler / _ceiling` ratio while working on the hot
 * path (CPU time, so a shared machine's load changes it less than wall time);
 * prints each round and min / median / max. Needs the local services.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import cassandraDriver from 'cassandra-driver';
import { buildClientOptions } from '../lambdas/adapters/cassandra-client.js';
import { SecretsManagerSource } from '../lambdas/adapters/secrets.js';
import { createSinkRuntime } from '../lambdas/composition/sink-runtime.js';
import { loadSinkConfig } from '../lambdas/core/config/load.js';
import { createSinkHandler } from '../lambdas/sink/create-handler.js';
import type { MskEvent } from '../local/poller/types.js';
import { ensureServices } from '../local/services/index.js';
import { DEFAULT_BATCH_SIZE } from '../infra/config/deploy-schema.js';
import { lambdaContext, mskEvent } from './lib/events.js';
import { driverValues, insertCqlOf, jsonValue, makeOrder } from './lib/records.js';
import {
  CONCURRENCY,
  KEYSPACE,
  awsClientConfig,
  cassandraClient,
  createAwsFixtures,
  createSchema,
  sinkConfig,
  useEmulatorEnvironment,
} from './lib/setup.js';
import { median } from './lib/stats.js';

const records = Number(process.argv[2] ?? 5_000);
const rounds = Number(process.argv[3] ?? 5);
const PARTITIONS = 4;
const T0 = Date.UTC(2026, 3, 1);

const cpuNow = (): number => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

useEmulatorEnvironment();
await ensureServices((line) => process.stderr.write(`${line}\n`));
const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const salt = Number.parseInt(runId.slice(-6), 36) >>> 0;
const admin = cassandraClient();
await admin.connect();
await createSchema(admin);
await admin.shutdown();
const aws = await createAwsFixtures(runId);
const topic = `bench-cpu-json-${runId}`;
const configJson = JSON.stringify(sinkConfig(aws.secretArn, { json: topic }));
const runtime = await createSinkRuntime({
  ...process.env,
  SINK_CONFIG: configJson,
  DLQ_URL: aws.dlqUrl,
  AWS_LAMBDA_FUNCTION_NAME: 'kcs-bench',
});
const handler = createSinkHandler(runtime);
const built = await buildClientOptions(loadSinkConfig(configJson, 'bench').connection, {
  secrets: new SecretsManagerSource({ client: new SecretsManagerClient(awsClientConfig) }),
});
const ceilingClient = new cassandraDriver.Client(built.options);
await ceilingClient.connect();
const insert = insertCqlOf(KEYSPACE);
const ceilingOptions = { prepare: true, consistency: cassandraDriver.types.consistencies.localOne, isIdempotent: true };

const orders = Array.from({ length: records }, (_, i) => makeOrder(i, salt));
const messages = orders.map((order, i) => ({ key: Buffer.from(order.order_id), value: jsonValue(order), timestamp: T0 + i }));
const rows = orders.map((order, i) => driverValues(order, T0 + i));
const size = DEFAULT_BATCH_SIZE;
const events: string[] = [];
const rowBatches: unknown[][][] = [];
for (let i = 0; i < records; i += size) {
  events.push(JSON.stringify(mskEvent(topic, messages.slice(i, i + size), PARTITIONS, i)));
  rowBatches.push(rows.slice(i, i + size));
}

const ceilingBatch = (batch: unknown[][]): Promise<void> =>
  pool(batch, CONCURRENCY, async (values) => {
    await ceilingClient.execute(insert, values, ceilingOptions);
  });
const handlerBatch = async (serialized: string): Promise<void> => {
  const response = await handler(JSON.parse(serialized) as MskEvent, lambdaContext());
  if (response.batchItemFailures.length > 0) throw new Error(`${String(response.batchItemFailures.length)} failures`);
};

// Warm-up, one whole pass: JIT, prepared statements, connections.
for (let i = 0; i < events.length; i++) {
  await ceilingBatch(rowBatches[i] as unknown[][]);
  await handlerBatch(events[i] as string);
}

const results: { handler: number; ceiling: number; ratio: number }[] = [];
for (let round = 0; round < rounds; round++) {
  let handlerUs = 0;
  let ceilingUs = 0;
  for (let i = 0; i < events.length; i++) {
    let t = cpuNow();
    await ceilingBatch(rowBatches[i] as unknown[][]);
    ceilingUs += cpuNow() - t;
    t = cpuNow();
    await handlerBatch(events[i] as string);
    handlerUs += cpuNow() - t;
  }
  const result = { handler: handlerUs / records, ceiling: ceilingUs / records, ratio: handlerUs / ceilingUs };
  results.push(result);
  process.stdout.write(
    `round ${String(round + 1)}: handler ${result.handler.toFixed(1)} µs, ceiling ${result.ceiling.toFixed(1)} µs, ratio ${result.ratio.toFixed(2)}\n`,
  );
}
const show = (values: number[], digits: number): string =>
  `${Math.min(...values).toFixed(digits)} / ${median(values).toFixed(digits)} / ${Math.max(...values).toFixed(digits)}`;
process.stdout.write(`min / median / max over ${String(rounds)} rounds of ${String(records)} records, batch ${String(size)}:\n`);
process.stdout.write(
  `  handler ${show(
    results.map((r) => r.handler),
    1,
  )} µs/record\n  ceiling ${show(
    results.map((r) => r.ceiling),
    1,
  )} µs/record\n  ratio   ${show(
    results.map((r) => r.ratio),
    2,
  )}\n`,
);
await ceilingClient.shutdown();
await runtime.close();
process.exit(0);
