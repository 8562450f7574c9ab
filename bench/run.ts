/**
 * `npm run bench` (`-- --quick` for a short run): throughput and cost per
 * record of the sink against the local services, side by side with the
 * driver ceiling and the connector it replaces. Writes
 * bench/results/latest.json and bench/results/latest.md.
 *
 *  (a) ceiling   cassandra-driver writing the same rows: prepared, same client options, same concurrency, nothing to decode
 *  (b) handler   serialized MSK events (JSON.parse timed, as Lambda hands them) of 100, the deployment's batch size,
 *                1,000 and the most records one 6 MB event holds → createSinkHandler → Cassandra (JSON and Avro values)
 *  (c) e2e       Kafka → local poller (ESM defaults) → handler → Cassandra, at the deployment's batch size and at 100;
 *                each invocation in a sandbox of its own (a worker thread, as Lambda gives each concurrent invocation
 *                its own execution environment), one per poller concurrency slot; `--compare-in-process` adds a run
 *                per round with every invocation in the poller's process (the old mode), reported beside it
 *  (d) baseline  the DataStax Apache Kafka Connector 1.5.0 on Kafka Connect 4.3.1 standalone (warm JVM), same
 *                topic, records and table; Camel's Cassandra sink as a secondary row with `--camel`
 *  (e) CDC      10,000 changes over 500 hot keys in same-millisecond bursts: handler vs the ceiling writing every change,
 *               and the writes the sink sends per record (coalescing)
 *  plus Node CPU µs per record with the driver (handler and ceiling) and without the database, p50/p99 batch
 *  latency, 20 warm invocations of the largest deliverable batch in a child process with Lambda's heap flags
 *  (RSS, heap after GC), cold-start init, and the bundle size.
 *
 * (a) and (b) alternate batch by batch, (c) and (d) and the two sides of (e)
 * run by run (≥ 5 alternating rounds), so each ratio compares numbers taken
 * under the same load of this shared machine; ratios are min / median / max.
 *
 * Flags: `--pairs=N` rounds of (c)/(d), `--e2e-records=N`, `--e2e-batch-size=N`,
 * `--datastax-warmups=N`, `--invocations=N` (memory child), `--no-baseline`,
 * `--camel`, `--compare-in-process`, `--cost` (print the cost table from latest.json and exit).
 * `--handler-only` measures (a), (b) at the largest batch and (e) only, and
 * merges those keys into the existing bench/results/latest.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type cassandra from 'cassandra-driver';
import { createSinkRuntime, type SinkRuntime } from '../lambdas/composition/sink-runtime.js';
import { buildClientOptions } from '../lambdas/adapters/cassandra-client.js';
import { createCassandraSession } from '../lambdas/adapters/cassandra-session.js';
import { HttpSchemaRegistry } from '../lambdas/adapters/schema-registry.js';
import { SecretsManagerSource } from '../lambdas/adapters/secrets.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSinkConfig } from '../lambdas/core/config/load.js';
import { createBatchRunner } from '../lambdas/core/batch/batch-runner.js';
import { createSinkEngine } from '../lambdas/core/batch/engine.js';
import { createSinkHandler } from '../lambdas/sink/create-handler.js';
import type { KafkaHandler, MskEvent } from '../local/poller/types.js';
import { startSink, type RunningSink } from '../local/runner/run.js';
import { startSandboxPool, type SandboxPool } from '../local/runner/sandbox/pool.js';
import { ensureServices, endpoints } from '../local/services/index.js';
import { repoRoot } from '../local/services/paths.js';
import cassandraDriver from 'cassandra-driver';
import { benchCacheDir, bundleChild, bundleSinkHandler } from './lib/bundle.js';
import { CAMEL_CONNECTOR, CONNECT_VERSION, connectJars, runConnectBaseline } from './lib/connect.js';
import { startDatastaxBaseline, steadyCpuUsPerRecord, type ConnectorRun, type DatastaxBaseline } from './lib/datastax.js';
import { MAX_EVENT_BYTES, largestFitting, lambdaNodeFlags } from './lib/lambda-node.js';
import {
  CONNECT_RUNTIME_VERSION as CONNECT_RUNTIME,
  DATASTAX_CONNECTOR_JAR,
  DATASTAX_CONNECTOR_LABEL,
  datastaxConnectorDir,
} from '../local/services/connect-worker.js';
import { runCost } from './cost.js';
import { lambdaContext, mskEvent, type BenchMessage } from './lib/events.js';
import { capturingSession, nullSession } from './lib/fake-session.js';
import { watchGroup } from './lib/progress.js';
import {
  ORDER_AVRO_SCHEMA,
  ORDER_PROTO_SCHEMA,
  avroValue,
  driverValues,
  insertCqlOf,
  jsonValue,
  makeOrder,
  protobufValue,
  type Order,
} from './lib/records.js';
import { cdcChanges, keyedPartitioner } from './lib/cdc.js';
import { startRegistry, type RegistryEntry } from './lib/registry.js';
import {
  CONCURRENCY,
  KEYSPACE,
  awsClientConfig,
  cassandraClient,
  createAwsFixtures,
  createSchema,
  countRows,
  createTopic,
  deleteTopics,
  produce,
  sinkConfig,
  truncate,
  useEmulatorEnvironment,
} from './lib/setup.js';
import { median, percentile, perSecond, ratio, round, spread, steadyRate, trend } from './lib/stats.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_MEMORY_SIZE } from '../infra/config/deploy-schema.js';
import { writeRuntimeEnvironment } from '../lambdas/contract/runtime-env.js';

const quick = process.argv.includes('--quick');
const skipBaseline = process.argv.includes('--no-baseline');
const handlerOnly = process.argv.includes('--handler-only');
/** `--flag=N`: a positive integer option. */
function intFlag(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer, got ${arg}`);
  return value;
}

/** How much work each part does; `--quick` keeps the whole run short. */
const plan = quick
  ? {
      runs: 2,
      smallRecords: 3_000,
      cpuRecords: 10_000,
      cpuPasses: 3,
      e2eRecords: 10_000,
      pairs: 5,
      datastaxWarmups: 1,
      initRuns: 2,
      invocations: 20,
    }
  : {
      runs: 5,
      smallRecords: 10_000,
      cpuRecords: 10_000,
      cpuPasses: 5,
      e2eRecords: 30_000,
      pairs: 5,
      datastaxWarmups: 2,
      initRuns: 5,
      invocations: 20,
    };
plan.e2eRecords = intFlag('e2e-records') ?? plan.e2eRecords;
plan.pairs = intFlag('pairs') ?? plan.pairs;
plan.datastaxWarmups = process.argv.includes('--datastax-warmups=0') ? 0 : (intFlag('datastax-warmups') ?? plan.datastaxWarmups);
plan.invocations = intFlag('invocations') ?? plan.invocations;
const withCamel = process.argv.includes('--camel');
const compareInProcess = process.argv.includes('--compare-in-process');
/** The local poller's default concurrency, and so the sandboxes of (c). */
const POLLER_CONCURRENCY = 5;
/** Orders built for the search of the largest deliverable batch (a 6 MB JSON event holds fewer than this). */
const MAX_BATCH_SEARCH = 20_000;
/** The CDC-like workload (e): changes, hot keys, alternating runs (at least 5, for the spread). */
const cdcPlan = { records: 10_000, keys: 500, runs: quick ? 5 : 7 };
const PARTITIONS = 4;
/** The poller's batch size: the deployment's default BatchSize unless `--e2e-batch-size=N`; the local poller's default concurrency (about one provisioned poller). */
const E2E_BATCH_SIZE = intFlag('e2e-batch-size') ?? DEFAULT_BATCH_SIZE;
const SCHEMA_ID = 1;
const PROTO_SCHEMA_ID = 2;
const T0 = Date.UTC(2026, 3, 1);

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

interface SizeResult {
  rps: number;
  runs: number[];
  p50_ms: number;
  p99_ms: number;
  batches: number;
  /** Node CPU (process.cpuUsage: every thread of this process) per record, median of the runs. */
  cpu_us_per_record: number;
}

interface SideRun {
  records: number;
  latencies: number[];
  cpuUs: number;
}

function summarize(runs: SideRun[]): SizeResult {
  const rates = runs.map((run) =>
    perSecond(
      run.records,
      run.latencies.reduce((a, b) => a + b, 0),
    ),
  );
  const latencies = runs.flatMap((run) => run.latencies);
  return {
    rps: round(median(rates)),
    runs: rates.map((r) => round(r)),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    batches: latencies.length,
    cpu_us_per_record: round(median(runs.map((run) => run.cpuUs / run.records))),
  };
}

function cpuSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** Runs `work` on every item with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function runChild<T = Record<string, number>>(script: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || line === undefined)
        reject(new Error(`child exited with ${String(code)}:\n${stderr.slice(-2000)}\n${stdout.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as T);
    });
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const wallStart = performance.now();
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  useEmulatorEnvironment();
  log(`mode ${quick ? 'quick' : 'full'}; starting the local services if needed`);
  await ensureServices(log);

  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const salt = Number.parseInt(runId.slice(-6), 36) >>> 0;
  const admin = cassandraClient();
  await admin.connect();
  await createSchema(admin);
  const aws = await createAwsFixtures(runId);
  const registry = await startRegistry(
    new Map<number, RegistryEntry>([
      [SCHEMA_ID, JSON.stringify(ORDER_AVRO_SCHEMA)],
      [PROTO_SCHEMA_ID, { schema: ORDER_PROTO_SCHEMA, schemaType: 'PROTOBUF' }],
    ]),
  );
  const topics = {
    json: `bench-orders-json-${runId}`,
    avro: `bench-orders-avro-${runId}`,
    protobuf: `bench-orders-protobuf-${runId}`,
    registryUrl: registry.url,
  };
  const configJson = JSON.stringify(sinkConfig(aws.secretArn, topics));
  const sinkEnv = {
    ...process.env,
    ...writeRuntimeEnvironment({ sinkConfig: configJson, dlqUrl: aws.dlqUrl, functionName: 'kcs-bench' }),
  };
  const createdTopics: string[] = [];
  let runtime: SinkRuntime | undefined;
  let sandboxPool: SandboxPool | undefined;
  let ceilingClient: cassandra.Client | undefined;
  try {
    // Records: the orders, as JSON and Avro messages, and as the driver values the sink binds.
    const maxRecords = Math.max(plan.e2eRecords, MAX_BATCH_SEARCH, plan.smallRecords, plan.cpuRecords);
    const orders: Order[] = Array.from({ length: maxRecords }, (_, i) => makeOrder(i, salt));
    const message = (order: Order, i: number, value: Buffer): BenchMessage => ({
      key: Buffer.from(order.order_id),
      value,
      timestamp: T0 + i,
    });
    const jsonMessages = orders.map((order, i) => message(order, i, jsonValue(order)));
    const avroMessages = orders.map((order, i) => message(order, i, avroValue(order, SCHEMA_ID)));
    const protobufMessages = orders.map((order, i) => message(order, i, protobufValue(order, PROTO_SCHEMA_ID)));
    const rows = orders.map((order, i) => driverValues(order, T0 + i));
    const avgJsonBytes = jsonMessages.reduce((sum, m) => sum + m.value.length, 0) / jsonMessages.length;
    const avgAvroBytes = avroMessages.reduce((sum, m) => sum + m.value.length, 0) / avroMessages.length;
    log(
      `records: ${String(maxRecords)} orders, JSON ${String(Math.round(avgJsonBytes))} B, Avro ${String(Math.round(avgAvroBytes))} B per value`,
    );
    // The largest batch the event source can deliver: its serialized event within Lambda's 6 MB payload cap.
    const eventBytes = (n: number): number =>
      Buffer.byteLength(JSON.stringify(mskEvent(topics.json, jsonMessages.slice(0, n), PARTITIONS)));
    const maxBatch = largestFitting(MAX_BATCH_SEARCH, MAX_EVENT_BYTES, eventBytes);
    const maxBatchBytes = eventBytes(maxBatch);
    log(
      `largest deliverable JSON batch: ${String(maxBatch)} records (${String(maxBatchBytes)} B of event, cap ${String(MAX_EVENT_BYTES)})`,
    );
    const sizes = handlerOnly ? [maxBatch] : [...new Set([100, DEFAULT_BATCH_SIZE, 1_000, maxBatch])].sort((x, y) => x - y);
    // One largest batch per run; 10,000 records (3,000 quick) in the smaller sizes.
    const recordsPerSize = Object.fromEntries(
      sizes.map((size) => [size, size === maxBatch ? maxBatch : Math.max(size, plan.smallRecords - (plan.smallRecords % size))]),
    );

    // The sink as the Lambda container builds it.
    runtime = await createSinkRuntime(sinkEnv);
    const handler = createSinkHandler(runtime);
    const config = loadSinkConfig(configJson, 'bench');

    // The ceiling's client: the sink's own driver options (same pooling, encoding, timeouts, credentials).
    const secrets = new SecretsManagerSource({ client: new SecretsManagerClient(awsClientConfig) });
    const built = await buildClientOptions(config.connection, { secrets });
    ceilingClient = new cassandraDriver.Client(built.options);
    await ceilingClient.connect();
    const insert = insertCqlOf(KEYSPACE);
    const ceilingOptions: cassandra.QueryOptions = {
      prepare: true,
      consistency: cassandraDriver.types.consistencies.localOne,
      isIdempotent: true,
    };
    await ceilingClient.execute(insert, rows[0], ceilingOptions);

    // Warm-up: JIT, prepared statements, connections.
    log('warm-up');
    const warm = jsonMessages.slice(0, 2_000);
    for (const batch of chunks(warm, 500)) await handler(mskEvent(topics.json, batch, PARTITIONS), lambdaContext());
    for (const batch of chunks(avroMessages.slice(0, 2_000), 500)) await handler(mskEvent(topics.avro, batch, PARTITIONS), lambdaContext());
    for (const batch of chunks(protobufMessages.slice(0, 2_000), 500))
      await handler(mskEvent(topics.protobuf, batch, PARTITIONS), lambdaContext());
    for (const batch of chunks(rows.slice(0, 2_000), 500))
      await pool(batch, CONCURRENCY, async (values) => {
        await ceilingClient?.execute(insert, values, ceilingOptions);
      });

    // (a) and (b), alternating batch by batch; the handler gets the serialized event and its parse is timed.
    const ceilingRuns = new Map<number, SideRun[]>();
    const handlerRuns = { json: new Map<number, SideRun[]>(), avro: new Map<number, SideRun[]>(), protobuf: new Map<number, SideRun[]>() };
    for (const size of sizes) {
      const total = recordsPerSize[size] as number;
      const jsonEvents = chunks(jsonMessages.slice(0, total), size).map((batch, i) =>
        JSON.stringify(mskEvent(topics.json, batch, PARTITIONS, i * size)),
      );
      const avroEvents = chunks(avroMessages.slice(0, total), size).map((batch, i) =>
        JSON.stringify(mskEvent(topics.avro, batch, PARTITIONS, i * size)),
      );
      const protobufEvents = chunks(protobufMessages.slice(0, total), size).map((batch, i) =>
        JSON.stringify(mskEvent(topics.protobuf, batch, PARTITIONS, i * size)),
      );
      const rowBatches = chunks(rows.slice(0, total), size);
      for (let run = 0; run < plan.runs; run++) {
        const c: SideRun = { records: 0, latencies: [], cpuUs: 0 };
        const j: SideRun = { records: 0, latencies: [], cpuUs: 0 };
        const a: SideRun = { records: 0, latencies: [], cpuUs: 0 };
        const p: SideRun = { records: 0, latencies: [], cpuUs: 0 };
        for (let i = 0; i < rowBatches.length; i++) {
          const batch = rowBatches[i] as unknown[][];
          let cpu = process.cpuUsage();
          let t = performance.now();
          await pool(batch, CONCURRENCY, async (values) => {
            await ceilingClient?.execute(insert, values, ceilingOptions);
          });
          c.latencies.push(performance.now() - t);
          c.cpuUs += cpuSince(cpu);
          c.records += batch.length;
          for (const [format, events, into] of [
            ['json', jsonEvents, j],
            ['avro', avroEvents, a],
            ['protobuf', protobufEvents, p],
          ] as const) {
            const serialized = events[i] as string;
            cpu = process.cpuUsage();
            t = performance.now();
            const response = await handler(JSON.parse(serialized) as MskEvent, lambdaContext());
            into.latencies.push(performance.now() - t);
            into.cpuUs += cpuSince(cpu);
            if (response.batchItemFailures.length > 0)
              throw new Error(`${format} batch of ${String(size)}: ${String(response.batchItemFailures.length)} failures`);
            into.records += size;
          }
        }
        (ceilingRuns.get(size) ?? ceilingRuns.set(size, []).get(size))?.push(c);
        (handlerRuns.json.get(size) ?? handlerRuns.json.set(size, []).get(size))?.push(j);
        (handlerRuns.avro.get(size) ?? handlerRuns.avro.set(size, []).get(size))?.push(a);
        (handlerRuns.protobuf.get(size) ?? handlerRuns.protobuf.set(size, []).get(size))?.push(p);
        log(
          `size ${String(size)} run ${String(run + 1)}: ceiling ${String(Math.round(perSecond(c.records, sum(c.latencies))))}/s, json ${String(Math.round(perSecond(j.records, sum(j.latencies))))}/s, avro ${String(Math.round(perSecond(a.records, sum(a.latencies))))}/s, protobuf ${String(Math.round(perSecond(p.records, sum(p.latencies))))}/s`,
        );
      }
    }
    const ceiling = Object.fromEntries([...ceilingRuns].map(([size, runs]) => [size, summarize(runs)]));
    const handlerJson = Object.fromEntries([...handlerRuns.json].map(([size, runs]) => [size, summarize(runs)]));
    const handlerAvro = Object.fromEntries([...handlerRuns.avro].map(([size, runs]) => [size, summarize(runs)]));
    const handlerProtobuf = Object.fromEntries([...handlerRuns.protobuf].map(([size, runs]) => [size, summarize(runs)]));
    const top = maxBatch;
    const deployed = sizes.includes(DEFAULT_BATCH_SIZE) ? DEFAULT_BATCH_SIZE : top;
    const cpuHandler = handlerJson[deployed]?.cpu_us_per_record ?? null;
    const cpuCeiling = ceiling[deployed]?.cpu_us_per_record ?? null;
    const cpuRatio = ratio(cpuHandler, cpuCeiling);
    log(
      `Node CPU per record with the driver at batch ${String(deployed)}: handler ${String(cpuHandler)} µs, ceiling ${String(cpuCeiling)} µs`,
    );
    // (b)/(a) per run on distinct keys (every record its own row): coalescing must not cost anything there.
    const distinctRatios = spread(
      (handlerRuns.json.get(top) ?? []).map((run, i) => {
        const ceilingRun = ceilingRuns.get(top)?.[i];
        return ceilingRun === undefined
          ? Number.NaN
          : perSecond(run.records, sum(run.latencies)) / perSecond(ceilingRun.records, sum(ceilingRun.latencies));
      }),
    );

    // (e) CDC-like: hot keys in same-millisecond bursts, one partition per key; ceiling and handler alternate run by run.
    log(`CDC workload: ${String(cdcPlan.records)} changes over ${String(cdcPlan.keys)} keys`);
    const changes = cdcChanges(cdcPlan.records, cdcPlan.keys, salt, T0 + 100_000_000);
    const cdcMessages: BenchMessage[] = changes.map((c) => ({
      key: Buffer.from(c.order.order_id),
      value: jsonValue(c.order),
      timestamp: c.timestamp,
    }));
    const cdcRows = changes.map((c) => driverValues(c.order, c.timestamp));
    const byKey = keyedPartitioner(PARTITIONS);
    const cdcRuns: { ceiling: number; handler: number }[] = [];
    for (let run = 0; run < cdcPlan.runs; run++) {
      let t = performance.now();
      await pool(cdcRows, CONCURRENCY, async (values) => {
        await ceilingClient?.execute(insert, values, ceilingOptions);
      });
      const ceilingMs = performance.now() - t;
      const event = mskEvent(topics.json, cdcMessages, PARTITIONS, run * cdcPlan.records, byKey);
      t = performance.now();
      const response = await handler(event, lambdaContext());
      const handlerMs = performance.now() - t;
      if (response.batchItemFailures.length > 0) throw new Error(`CDC batch: ${String(response.batchItemFailures.length)} failures`);
      cdcRuns.push({ ceiling: perSecond(cdcPlan.records, ceilingMs), handler: perSecond(cdcPlan.records, handlerMs) });
      log(
        `CDC run ${String(run + 1)}: ceiling ${String(Math.round(perSecond(cdcPlan.records, ceilingMs)))}/s, handler ${String(Math.round(perSecond(cdcPlan.records, handlerMs)))}/s`,
      );
    }
    // Writes sent per record: the same events through a handler whose session only counts statements.
    const counted = capturingSession(createCassandraSession(admin));
    await createSinkEngine({ config, session: counted.session, schemaRegistry: new HttpSchemaRegistry({ url: registry.url }) });
    const writesPerRecord = async (
      messages: readonly BenchMessage[],
      partitionOf?: (m: BenchMessage, i: number) => number,
    ): Promise<number> => {
      const session = nullSession(counted.captured);
      const engine = await createSinkEngine({ config, session, schemaRegistry: new HttpSchemaRegistry({ url: registry.url }) });
      const run = createBatchRunner({ engine, deadLetters: { send: () => Promise.reject(new Error('no dead letters expected')) } });
      await createSinkHandler({ config, engine, run } as unknown as SinkRuntime)(
        mskEvent(topics.json, messages, PARTITIONS, 0, partitionOf),
        lambdaContext(),
      );
      return session.statements() / messages.length;
    };
    const cdcRatios = spread(cdcRuns.map((r) => r.handler / r.ceiling));
    const cdc = {
      records: cdcPlan.records,
      keys: cdcPlan.keys,
      same_ms_as_previous: round(changes.filter((c, i) => i > 0 && changes[i - 1]?.timestamp === c.timestamp).length / changes.length),
      ceiling_rps: round(median(cdcRuns.map((r) => r.ceiling))),
      handler_rps: round(median(cdcRuns.map((r) => r.handler))),
      handler_over_ceiling: cdcRatios,
      writes_per_record: round(await writesPerRecord(cdcMessages, byKey)),
      writes_per_record_distinct: round(await writesPerRecord(jsonMessages.slice(0, cdcPlan.records))),
    };
    log(
      `CDC: handler/ceiling ${String(cdcRatios.min)} / ${String(cdcRatios.median)} / ${String(cdcRatios.max)} (min/median/max), ${String(cdc.writes_per_record)} writes per record; distinct keys (b)/(a) ${String(distinctRatios.min)} / ${String(distinctRatios.median)} / ${String(distinctRatios.max)}`,
    );
    const cdcTarget = { target: '>= 3 (median)', value: cdcRatios.median, met: cdcRatios.median >= 3 };
    if (handlerOnly) {
      const outDir = path.join(repoRoot, 'bench', 'results');
      const file = path.join(outDir, 'latest.json');
      const previous = JSON.parse(readFileSync(file, 'utf8')) as Result & { targets: Record<string, unknown> };
      const merged = {
        ...previous,
        cdc,
        handler_over_ceiling_spread: distinctRatios,
        handler_only_run: {
          generated_at: startedAt.toISOString(),
          mode: quick ? 'quick' : 'full',
          duration_s: round((performance.now() - wallStart) / 1000),
          loadavg_at_end: os.loadavg().map((l) => round(l, 2)),
        },
        targets: { ...previous.targets, cdc_handler_over_ceiling: cdcTarget },
      };
      writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
      writeFileSync(path.join(outDir, 'latest.md'), markdown(merged));
      log('merged the handler and CDC keys into bench/results/latest.json and latest.md');
      process.stdout.write(markdown(merged));
      return;
    }

    // CPU per record without the database: the same handler over a session that does nothing.
    log('CPU per record (no database)');
    const capture = capturingSession(createCassandraSession(admin));
    await createSinkEngine({ config, session: capture.session, schemaRegistry: new HttpSchemaRegistry({ url: registry.url }) });
    const cpu: Record<string, { us_per_record: number; runs: number[] }> = {};
    for (const format of ['json', 'avro'] as const) {
      const session = nullSession(capture.captured);
      const engine = await createSinkEngine({ config, session, schemaRegistry: new HttpSchemaRegistry({ url: registry.url }) });
      const run = createBatchRunner({ engine, deadLetters: { send: () => Promise.reject(new Error('no dead letters expected')) } });
      const fakeRuntime = { config, engine, run } as unknown as SinkRuntime;
      const fakeHandler = createSinkHandler(fakeRuntime);
      const source = format === 'json' ? jsonMessages : avroMessages;
      const events = chunks(source.slice(0, plan.cpuRecords), 1_000).map((batch, i) =>
        mskEvent(format === 'json' ? topics.json : topics.avro, batch, PARTITIONS, i * 1_000),
      );
      for (const event of events) await fakeHandler(event, lambdaContext()); // warm-up (and the schema fetch)
      const runs: number[] = [];
      for (let pass = 0; pass < plan.cpuPasses; pass++) {
        const before = process.cpuUsage();
        for (const event of events) await fakeHandler(event, lambdaContext());
        const used = process.cpuUsage(before);
        runs.push((used.user + used.system) / plan.cpuRecords);
      }
      if (session.statements() !== plan.cpuRecords * (plan.cpuPasses + 1))
        throw new Error(`fake session saw ${String(session.statements())} statements`);
      cpu[format] = { us_per_record: round(median(runs)), runs: runs.map((r) => round(r)) };
      log(`CPU ${format}: ${String(round(median(runs)))} µs/record`);
    }

    // The Lambda bundle, cold-start init and peak RSS in child processes.
    log('bundle, cold start and RSS (child processes)');
    const bundle = await bundleSinkHandler();
    const child = await bundleChild();
    const childEnv = { ...sinkEnv, BENCH_HANDLER_BUNDLE: bundle.file, NODE_OPTIONS: '' };
    const inits: Record<string, number>[] = [];
    for (let i = 0; i < plan.initRuns; i++) inits.push(await runChild(child, childEnv));
    // 20 warm invocations of the largest deliverable batch in a fresh process with the heap flags of Lambda's Node bootstrap.
    const eventFile = path.join(benchCacheDir, 'event-max-batch.json');
    writeFileSync(eventFile, JSON.stringify(mskEvent(topics.json, jsonMessages.slice(0, maxBatch), PARTITIONS)));
    const memoryMb = DEFAULT_MEMORY_SIZE;
    const heapFlags = lambdaNodeFlags(memoryMb);
    type MemoryChild = {
      failures: number;
      peakRssMb: number;
      peakRssFirstMb: number;
      rssAfterInitMb: number;
      handleMs: number;
      heapMbAfterGc: number[];
      peakRssMbRuns: number[];
      rssMbAfterGc: number[];
      handleMsRuns: number[];
    };
    const warmChild = await runChild<MemoryChild>(
      child,
      {
        ...childEnv,
        BENCH_EVENT_FILE: eventFile,
        BENCH_INVOCATIONS: String(plan.invocations),
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
      },
      heapFlags,
    );
    if (warmChild.failures !== 0) throw new Error(`the largest batch in the child reported ${String(warmChild.failures)} failures`);
    const heapAfterGc = warmChild.heapMbAfterGc.map((v) => round(v));
    const heapTrend = trend(warmChild.heapMbAfterGc.slice(1));
    const memory = {
      function_memory_mb: memoryMb,
      node_flags: heapFlags,
      invocations: plan.invocations,
      event_bytes: maxBatchBytes,
      rss_mb_peak: round(warmChild.peakRssMb),
      rss_mb_peak_first: round(warmChild.peakRssFirstMb),
      heap_mb_after_gc: heapAfterGc,
      rss_mb_after_gc: warmChild.rssMbAfterGc.map((v) => round(v)),
      handle_ms: warmChild.handleMsRuns.map((v) => round(v)),
      heap_slope_mb_per_invocation: round(heapTrend),
    };
    const rss = {
      peak_mb: round(warmChild.peakRssFirstMb),
      after_init_mb: round(warmChild.rssAfterInitMb),
      handle_ms: round(warmChild.handleMs),
      event_bytes: maxBatchBytes,
    };
    log(
      `memory: ${String(plan.invocations)} invocations of ${String(maxBatch)} records at ${String(memoryMb)} MB: peak RSS ${String(memory.rss_mb_peak)} MB, heap after GC ${String(heapAfterGc[0])} → ${String(heapAfterGc.at(-1))} MB`,
    );
    const init = {
      init_ms: round(median(inits.map((r) => r.initMs as number))),
      ready_ms: round(median(inits.map((r) => r.readyMs as number))),
      runs: inits.map((r) => round(r.initMs as number)),
    };
    log(`bundle ${String(bundle.bytes)} B, init ${String(init.init_ms)} ms, peak RSS ${String(rss.peak_mb)} MB`);

    // (c) and (d): the same topic and records; every run starts from an empty table and its rows are read back.
    log(
      `end to end and baseline: ${String(plan.e2eRecords)} records on ${String(PARTITIONS)} partitions, ${String(plan.pairs)} alternating rounds`,
    );
    await createTopic(topics.json, PARTITIONS);
    createdTopics.push(topics.json);
    await produce(
      topics.json,
      PARTITIONS,
      jsonMessages.slice(0, plan.e2eRecords).map((m) => ({ ...m, timestamp: Date.now() })),
    );
    const verifyRows = async (what: string): Promise<void> => {
      const count = await countRows(admin);
      if (count !== plan.e2eRecords)
        throw new Error(`${what}: ${String(count)} rows in ${KEYSPACE}.orders, expected ${String(plan.e2eRecords)}`);
      for (const i of [0, Math.floor(plan.e2eRecords / 2), plan.e2eRecords - 1]) {
        const order = orders[i] as Order;
        const row = (
          await admin.execute(`SELECT customer_id, amount, items FROM ${KEYSPACE}.orders WHERE order_id = ?`, [order.order_id], {
            prepare: true,
          })
        ).first();
        const got = {
          customer_id: row.get('customer_id') as string,
          amount: String(row.get('amount')),
          items: row.get('items') as string[],
        };
        if (got.customer_id !== order.customer_id || got.amount !== order.amount || got.items.join() !== order.items.join()) {
          throw new Error(
            `${what}: row of order ${order.order_id} is ${JSON.stringify(got)}, expected ${JSON.stringify({ customer_id: order.customer_id, amount: order.amount, items: order.items })}`,
          );
        }
      }
    };
    const connectorRun = (
      run: ConnectorRun,
    ): { rps: number; startup_ms: number; total_ms: number; cpu_us_per_record: number; cpu_us_per_record_whole_run: number } => {
      const rate = steadyRate(run.samples, plan.e2eRecords);
      const cpuSteady = steadyCpuUsPerRecord(run, plan.e2eRecords);
      if (rate === null || cpuSteady === null) throw new Error('datastax connector: no steady-state window');
      return {
        rps: round(rate),
        startup_ms: round(run.startupMs),
        total_ms: round(run.totalMs),
        cpu_us_per_record: round(cpuSteady),
        cpu_us_per_record_whole_run: round((run.cpuSeconds * 1e6) / plan.e2eRecords),
      };
    };
    // One warm set of sandboxes for every (c) run, as the in-process mode reuses one warm runtime.
    const sandboxesFor = async (): Promise<SandboxPool> => {
      sandboxPool ??= await startSandboxPool({ size: POLLER_CONCURRENCY, env: sinkEnv });
      return sandboxPool;
    };
    const runE2e = async (
      label: string,
      batchSize: number,
      mode: 'sandboxes' | 'in-process',
    ): Promise<{ rps: number; startup_ms: number; total_ms: number }> => {
      const groupId = `bench-e2e-${runId}-${label}`;
      const e2eHandler: KafkaHandler | undefined = mode === 'sandboxes' ? (await sandboxesFor()).handler : undefined;
      const watch = watchGroup(groupId, topics.json);
      let failed = 0;
      const launched = performance.now();
      // Started through the local runner's entry (as `npm start`, the soak and the fault harness), on the warmed-up runtime, which stays open for the next run.
      let sink: RunningSink | undefined;
      try {
        sink = await startSink({
          // The warm runtime gives the topics and tables; with sandboxes, the warm pool's handler takes the invocations.
          runtime,
          ...(e2eHandler === undefined ? {} : { wrapHandler: () => e2eHandler }),
          bootstrapServers: [endpoints.kafka],
          topics: [topics.json],
          groupId,
          poller: {
            maxConcurrency: POLLER_CONCURRENCY,
            batchSize,
            statsIntervalMs: 0,
            timeoutMs: 300_000,
            sessionTimeoutMs: 10_000,
            heartbeatIntervalMs: 1_000,
            rebalanceTimeoutMs: 10_000,
          },
          observe: (poller) => {
            poller.events.on('invocation', (report) => {
              if (report.outcome !== 'success') failed += 1;
            });
          },
        });
        const samples = await watch.until(plan.e2eRecords, 600_000);
        const rate = steadyRate(samples, plan.e2eRecords);
        if (rate === null) throw new Error('end to end: no steady-state window');
        if (failed > 0) throw new Error(`end to end: ${String(failed)} invocations did not succeed`);
        const first = samples.find((s) => s.done > 0);
        return {
          rps: round(rate),
          startup_ms: round((first?.atMs ?? launched) - launched),
          total_ms: round((samples.at(-1)?.atMs ?? launched) - launched),
        };
      } finally {
        await sink?.stop();
        await watch.close();
      }
    };
    const datastaxAt = skipBaseline ? { dir: undefined, looked: '(--no-baseline)' } : datastaxConnectorDir();
    if (datastaxAt.dir === undefined)
      log(`no ${DATASTAX_CONNECTOR_JAR} in ${datastaxAt.looked}: running without (d), the DataStax connector baseline`);
    const camelJars = withCamel ? await connectJars() : [];
    type Side = 'datastax' | 'e2e' | 'e2e100' | 'e2eInProcess';
    const rounds: Partial<Record<Side | 'camel', { rps: number; startup_ms: number; total_ms: number; cpu_us_per_record?: number }>>[] = [];
    let datastaxCold: ReturnType<typeof connectorRun> | undefined;
    const datastaxWarmups: ReturnType<typeof connectorRun>[] = [];
    let datastax: DatastaxBaseline | undefined;
    try {
      if (datastaxAt.dir !== undefined) {
        log(`(d) ${DATASTAX_CONNECTOR_LABEL}: cold start, then ${String(plan.datastaxWarmups)} warm-up run(s) on the same JVM`);
        await truncate(admin);
        datastax = await startDatastaxBaseline({
          pluginDir: datastaxAt.dir,
          topic: topics.json,
          partitions: PARTITIONS,
          total: plan.e2eRecords,
          runId,
          timeoutMs: 900_000,
        });
        await verifyRows('datastax cold run');
        datastaxCold = connectorRun(datastax.cold);
        log(`(d) cold: first committed record after ${String(datastaxCold.startup_ms)} ms, ${String(datastaxCold.rps)}/s`);
        for (let w = 0; w < plan.datastaxWarmups; w++) {
          await truncate(admin);
          datastaxWarmups.push(connectorRun(await datastax.run(`warm${String(w)}`)));
          await verifyRows(`datastax warm-up ${String(w + 1)}`);
          log(`(d) warm-up ${String(w + 1)}: ${String(datastaxWarmups.at(-1)?.rps)}/s`);
        }
      }
      // The sandboxes' code warms up like (d)'s JVM: one unmeasured run (the in-process runtime is warm from (b)).
      log('(c) sandboxes: one warm-up run');
      await truncate(admin);
      await runE2e('sandbox-warmup', E2E_BATCH_SIZE, 'sandboxes');
      for (let r = 0; r < plan.pairs; r++) {
        const sides: Side[] = (['datastax', 'e2e', 'e2e100', 'e2eInProcess'] as const).filter(
          (side) => (side !== 'datastax' || datastax !== undefined) && (side !== 'e2eInProcess' || compareInProcess),
        );
        if (r % 2 === 1) sides.reverse();
        const got: (typeof rounds)[number] = {};
        for (const side of sides) {
          await truncate(admin);
          if (side === 'datastax') got.datastax = connectorRun(await (datastax as DatastaxBaseline).run(`r${String(r)}`));
          else
            got[side] = await runE2e(
              `${side}-${String(r)}`,
              side === 'e2e100' ? 100 : E2E_BATCH_SIZE,
              side === 'e2eInProcess' ? 'in-process' : 'sandboxes',
            );
          await verifyRows(`${side} round ${String(r + 1)}`);
        }
        if (withCamel) {
          await truncate(admin);
          const result = await runConnectBaseline({
            jars: camelJars,
            topic: topics.json,
            partitions: PARTITIONS,
            total: plan.e2eRecords,
            run: `${runId}-${String(r)}`,
            timeoutMs: 900_000,
          });
          const rate = steadyRate(result.samples, plan.e2eRecords);
          if (rate === null) throw new Error('camel baseline: no steady-state window');
          got.camel = { rps: round(rate), startup_ms: round(result.startupMs), total_ms: round(result.totalMs) };
          await verifyRows(`camel round ${String(r + 1)}`);
        }
        rounds.push(got);
        log(
          `round ${String(r + 1)}: ${Object.entries(got)
            .map(([side, v]) => `${side} ${String(v.rps)}/s`)
            .join(', ')}; load ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')}`,
        );
      }
    } finally {
      await datastax?.close();
      await sandboxPool?.close();
    }
    const e2eRuns = rounds.map((x) => x.e2e).filter((x) => x !== undefined);
    const e2e100Runs = rounds.map((x) => x.e2e100).filter((x) => x !== undefined);
    const e2eInProcessRuns = rounds.map((x) => x.e2eInProcess).filter((x) => x !== undefined);
    const datastaxRuns = rounds.map((x) => x.datastax).filter((x) => x !== undefined);
    const camelRuns = rounds.map((x) => x.camel).filter((x) => x !== undefined);
    const pairRatio = (side: 'e2e' | 'e2e100' | 'e2eInProcess'): Spread | null =>
      datastaxRuns.length === 0
        ? null
        : spread(rounds.map((x) => ratio(x[side]?.rps, x.datastax?.rps)).filter((v): v is number => v !== null));
    const e2eOverDatastax = pairRatio('e2e');
    const e2eOverDatastax100 = pairRatio('e2e100');
    const e2eInProcessOverDatastax = compareInProcess ? pairRatio('e2eInProcess') : null;
    const datastaxCpu = datastaxRuns.length === 0 ? null : round(median(datastaxRuns.map((x) => x.cpu_us_per_record ?? Number.NaN)));
    const loadAtEnd = os.loadavg().map((l) => round(l, 2));

    // The report.
    const ceilingRps = ceiling[top]?.rps ?? Number.NaN;
    const handlerRps = handlerJson[top]?.rps ?? Number.NaN;
    const e2eRps = round(median(e2eRuns.map((r) => r.rps)));
    const e2e100Rps = e2e100Runs.length === 0 ? null : round(median(e2e100Runs.map((r) => r.rps)));
    const e2eInProcessRps = e2eInProcessRuns.length === 0 ? null : round(median(e2eInProcessRuns.map((r) => r.rps)));
    const datastaxRps = datastaxRuns.length === 0 ? null : round(median(datastaxRuns.map((r) => r.rps)));
    const camelRps = camelRuns.length === 0 ? null : round(median(camelRuns.map((r) => r.rps)));
    const handlerOverCeiling = ratio(handlerRps, ceilingRps);
    const heapGrowth = Math.abs(memory.heap_slope_mb_per_invocation) * Math.max(1, plan.invocations - 2);
    const heapFlat = heapGrowth <= Math.max(2, 0.05 * median(memory.heap_mb_after_gc));
    const cpus = os.cpus();
    const result = {
      generated_at: startedAt.toISOString(),
      mode: quick ? 'quick' : 'full',
      duration_s: round((performance.now() - wallStart) / 1000),
      machine: {
        cpus: cpus.length,
        model: cpus[0]?.model ?? 'unknown',
        memory_gb: round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadavg_at_end: loadAtEnd,
      },
      load_average: {
        at_start: loadAtStart,
        at_end: loadAtEnd,
        note: '1, 5 and 15 minute load averages of this 2-core machine (shared with other work)',
      },
      setup: {
        cassandra: '5.0 single node (local services)',
        kafka: '4.3.1 KRaft single broker',
        record: '10-field order event',
        json_value_bytes: Math.round(avgJsonBytes),
        avro_value_bytes: Math.round(avgAvroBytes),
        table: `${KEYSPACE}.orders (10 columns incl. list, set, frozen UDT, decimal, timestamp, uuid)`,
        max_concurrent_requests: CONCURRENCY,
        partitions: PARTITIONS,
        runs: plan.runs,
        records_per_size: recordsPerSize,
        handler_event: 'serialized MSK event, JSON.parse inside the timing (as Lambda hands it)',
        e2e: {
          records: plan.e2eRecords,
          pairs: plan.pairs,
          batch_size: E2E_BATCH_SIZE,
          batch_size_secondary: 100,
          poller_concurrency: POLLER_CONCURRENCY,
          handler: `${String(POLLER_CONCURRENCY)} sandboxes (worker threads, each its own sink runtime and Cassandra connection, one serialized event at a time), as Lambda runs concurrent invocations; one unmeasured warm-up run`,
          in_process_compared: compareInProcess,
          rate: 'committed offsets, 10%→90% of the records',
          rows: 'table truncated before each run, every row counted and three read back after it',
        },
        baseline:
          datastaxAt.dir === undefined
            ? { connector: null, reason: `no ${DATASTAX_CONNECTOR_JAR} in ${datastaxAt.looked}` }
            : {
                connect: `connect-runtime ${CONNECT_RUNTIME} standalone, one JVM (-Xmx1g) for every run`,
                connector: DATASTAX_CONNECTOR_LABEL,
                tasks: PARTITIONS,
                settings:
                  'JsonConverter without schemas, maxConcurrentRequests 500, maxNumberOfRecordsInBatch 32, connectionPoolLocalSize 4, LOCAL_ONE',
                warmup_runs: plan.datastaxWarmups,
                rate: 'committed offsets of group connect-<connector>, 10%→90%, each run a new connector on the warm JVM',
              },
        camel: withCamel
          ? {
              connect: `connect-runtime ${CONNECT_VERSION} standalone`,
              connector: CAMEL_CONNECTOR,
              statement: `INSERT INTO ${KEYSPACE}.orders JSON ?`,
              tasks: PARTITIONS,
            }
          : null,
        metrics: 'Powertools EMF metrics off (POWERTOOLS_METRICS_DISABLED), log level WARN',
      },
      ceiling_rps: ceilingRps,
      handler_rps: handlerRps,
      handler_avro_rps: handlerAvro[top]?.rps ?? null,
      handler_rps_protobuf: handlerProtobuf[top]?.rps ?? null,
      e2e_rps: e2eRps,
      e2e_batch100_rps: e2e100Rps,
      e2e_rps_in_process: e2eInProcessRps,
      e2e_in_process_over_datastax: e2eInProcessOverDatastax,
      baseline_rps: datastaxRps,
      datastax_rps: datastaxRps,
      camel_rps: camelRps,
      handler_over_ceiling: handlerOverCeiling === null ? null : round(handlerOverCeiling),
      e2e_over_baseline: e2eOverDatastax?.median ?? null,
      e2e_over_datastax: e2eOverDatastax,
      e2e_over_datastax_batch100: e2eOverDatastax100,
      datastax_startup_ms: datastaxCold?.startup_ms ?? null,
      e2e_startup_ms: round(median(e2eRuns.map((r) => r.startup_ms))),
      datastax_cpu_us_per_record: datastaxCpu,
      cpu_us_per_record: cpu.json?.us_per_record ?? null,
      cpu_us_per_record_avro: cpu.avro?.us_per_record ?? null,
      node_cpu_us_per_record_handler: cpuHandler,
      node_cpu_us_per_record_ceiling: cpuCeiling,
      node_cpu_batch_size: deployed,
      max_batch_records: maxBatch,
      function_memory_mb: memoryMb,
      rss_mb_peak_warm_max_batch: memory.rss_mb_peak,
      heap_mb_after_gc: memory.heap_mb_after_gc,
      rss_mb_10k: rss.peak_mb,
      bundle_bytes: bundle.bytes,
      init_ms: init.init_ms,
      cdc,
      handler_over_ceiling_spread: distinctRatios,
      latency_ms: Object.fromEntries(
        sizes.map((size) => [
          size,
          {
            ceiling: pick(ceiling[size]),
            json: pick(handlerJson[size]),
            avro: pick(handlerAvro[size]),
            protobuf: pick(handlerProtobuf[size]),
          },
        ]),
      ),
      targets: {
        handler_over_ceiling: {
          target: '>= 0.9 (retired: reported, not judged)',
          value: handlerOverCeiling === null ? null : round(handlerOverCeiling),
          met: null,
        },
        e2e_over_baseline: {
          target: '>= 3 (median of the rounds; the DataStax connector)',
          value: e2eOverDatastax?.median ?? null,
          met: e2eOverDatastax === null ? null : e2eOverDatastax.median >= 3,
        },
        e2e_over_datastax_batch100: {
          target: '>= 1.5 (median)',
          value: e2eOverDatastax100?.median ?? null,
          met: e2eOverDatastax100 === null ? null : e2eOverDatastax100.median >= 1.5,
        },
        node_cpu_handler_over_ceiling: {
          target: '<= 1.6',
          value: cpuRatio === null ? null : round(cpuRatio),
          met: cpuRatio === null ? null : cpuRatio <= 1.6,
        },
        heap_after_gc_flat: {
          target: `no growth trend over ${String(plan.invocations)} warm invocations (|slope| × invocations <= max(2 MB, 5%))`,
          value: round(heapGrowth),
          met: heapFlat,
        },
        rss_peak_warm_max_batch: {
          target: `< ${String(memoryMb / 2)} MB (half the function memory)`,
          value: memory.rss_mb_peak,
          met: memory.rss_mb_peak < memoryMb / 2,
        },
        rss_mb_10k: { target: '< 256', value: rss.peak_mb, met: rss.peak_mb < 256 },
        cdc_handler_over_ceiling: cdcTarget,
      },
      detail: {
        ceiling,
        handler: { json: handlerJson, avro: handlerAvro, protobuf: handlerProtobuf },
        cpu,
        rss,
        memory,
        init,
        bundle: { bytes: bundle.bytes, source_map_bytes: bundle.sourceMapBytes },
        e2e: e2eRuns,
        e2e_batch100: e2e100Runs,
        e2e_in_process: e2eInProcessRuns,
        baseline: datastaxRuns,
        datastax: { cold: datastaxCold ?? null, warmups: datastaxWarmups, runs: datastaxRuns },
        camel: camelRuns,
        registry_requests: registry.requests(),
      },
    };
    const outDir = path.join(repoRoot, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(outDir, 'latest.md'), markdown(result));
    log(`wrote bench/results/latest.json and latest.md in ${String(result.duration_s)} s`);
    process.stdout.write(markdown(result));
  } finally {
    await runtime?.close().catch(() => undefined);
    await sandboxPool?.close().catch(() => undefined);
    await ceilingClient?.shutdown().catch(() => undefined);
    await admin.shutdown().catch(() => undefined);
    await registry.close();
    await deleteTopics(createdTopics);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function pick(size: SizeResult | undefined): { rps: number; p50: number; p99: number } | null {
  return size === undefined ? null : { rps: size.rps, p50: size.p50_ms, p99: size.p99_ms };
}

interface Headline {
  ceiling_rps: number;
  handler_rps: number;
  handler_avro_rps: number | null;
  handler_rps_protobuf: number | null;
  e2e_rps: number;
  baseline_rps: number | null;
  handler_over_ceiling: number | null;
  e2e_over_baseline: number | null;
  cpu_us_per_record: number | null;
  cpu_us_per_record_avro: number | null;
  rss_mb_10k: number;
  bundle_bytes: number;
  init_ms: number;
}

type Spread = ReturnType<typeof spread>;

type Result = Headline & {
  e2e_batch100_rps?: number | null;
  e2e_rps_in_process?: number | null;
  e2e_in_process_over_datastax?: Spread | null;
  datastax_rps?: number | null;
  camel_rps?: number | null;
  e2e_over_datastax?: Spread | null;
  e2e_over_datastax_batch100?: Spread | null;
  datastax_startup_ms?: number | null;
  e2e_startup_ms?: number;
  datastax_cpu_us_per_record?: number | null;
  node_cpu_us_per_record_handler?: number | null;
  node_cpu_us_per_record_ceiling?: number | null;
  node_cpu_batch_size?: number;
  max_batch_records?: number;
  function_memory_mb?: number;
  rss_mb_peak_warm_max_batch?: number;
  heap_mb_after_gc?: number[];
  load_average?: { at_start: number[]; at_end: number[] };
  cdc?: {
    records: number;
    keys: number;
    same_ms_as_previous: number;
    ceiling_rps: number;
    handler_rps: number;
    handler_over_ceiling: Spread;
    writes_per_record: number;
    writes_per_record_distinct: number;
  };
  handler_over_ceiling_spread?: Spread;
  machine: { cpus: number; model: string; memory_gb: number; node: string };
  mode: string;
  setup: { e2e: { batch_size: number } };
  generated_at: string;
  latency_ms: Record<string, { ceiling: ReturnType<typeof pick>; json: ReturnType<typeof pick>; avro: ReturnType<typeof pick> }>;
};

function markdown(r: Result): string {
  const n = (v: number | string | null | undefined): string =>
    typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : (v ?? '—');
  const spreadText = (s: Spread | undefined): string => (s === undefined ? '—' : `${n(s.min)} / ${n(s.median)} / ${n(s.max)}`);
  const lines = [
    `Run ${r.generated_at} (${r.mode}) on ${String(r.machine.cpus)} × ${r.machine.model}, ${n(r.machine.memory_gb)} GB, Node ${r.machine.node}; Cassandra, Kafka and the bench share the machine.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| load average (1 / 5 / 15 min) at start → end | ${r.load_average === undefined ? '—' : `${r.load_average.at_start.join(' / ')} → ${r.load_average.at_end.join(' / ')}`} |`,
    `| (a) driver ceiling, ${n(r.max_batch_records)}-row batches | ${n(r.ceiling_rps)} records/s |`,
    `| (b) handler, ${n(r.max_batch_records)}-record JSON events (the most a 6 MB event holds; JSON.parse timed) | ${n(r.handler_rps)} records/s |`,
    `| (b) handler, ${n(r.max_batch_records)}-record Avro events | ${n(r.handler_avro_rps)} records/s |`,
    `| (b) handler, ${n(r.max_batch_records)}-record Protobuf events | ${n(r.handler_rps_protobuf)} records/s |`,
    `| (c) end to end, Kafka → poller (batch size ${n(r.setup.e2e.batch_size)}) → handler in 5 sandboxes | ${n(r.e2e_rps)} records/s |`,
    `| (c) end to end at batch size 100 | ${n(r.e2e_batch100_rps)} records/s |`,
    ...(r.e2e_rps_in_process === null || r.e2e_rps_in_process === undefined
      ? []
      : [
          `| (c) in process (poller and every invocation on one thread), batch size ${n(r.setup.e2e.batch_size)}; its /(d) min / median / max | ${n(r.e2e_rps_in_process)} records/s; ${spreadText(r.e2e_in_process_over_datastax ?? undefined)} |`,
        ]),
    `| (d) DataStax Kafka connector 1.5.0, Kafka Connect standalone, warm JVM | ${n(r.datastax_rps)} records/s |`,
    ...(r.camel_rps === null || r.camel_rps === undefined
      ? []
      : [`| Kafka Connect + Camel Cassandra sink (secondary) | ${n(r.camel_rps)} records/s |`]),
    `| (c)/(d) per round at batch ${n(r.setup.e2e.batch_size)}, min / median / max (target ≥ 3) | ${spreadText(r.e2e_over_datastax ?? undefined)} |`,
    `| (c)/(d) per round at batch 100, min / median / max (target ≥ 1.5) | ${spreadText(r.e2e_over_datastax_batch100 ?? undefined)} |`,
    `| start to first committed record: (d) cold JVM / (c) poller | ${n(r.datastax_startup_ms)} / ${n(r.e2e_startup_ms)} ms |`,
    `| (b)/(a) (retired target 0.9, reported only) | ${n(r.handler_over_ceiling)} |`,
    `| (b)/(a) per run, distinct keys, min / median / max | ${spreadText(r.handler_over_ceiling_spread)} |`,
    `| Node CPU per record with the driver, batch ${n(r.node_cpu_batch_size)}: handler / ceiling (target ≤ 1.6×) | ${n(r.node_cpu_us_per_record_handler)} / ${n(r.node_cpu_us_per_record_ceiling)} µs |`,
    `| Kafka Connect JVM CPU per record, (d), steady window | ${n(r.datastax_cpu_us_per_record)} µs |`,
    `| (e) CDC, ${n(r.cdc?.records)} changes over ${n(r.cdc?.keys)} keys: ceiling / handler | ${n(r.cdc?.ceiling_rps)} / ${n(r.cdc?.handler_rps)} records/s |`,
    `| (e) CDC handler / ceiling per run, min / median / max (target ≥ 3) | ${spreadText(r.cdc?.handler_over_ceiling)} |`,
    `| (e) writes sent per record, CDC / distinct keys | ${n(r.cdc?.writes_per_record)} / ${n(r.cdc?.writes_per_record_distinct)} |`,
    `| CPU per record, decode + map + bind, no database (JSON / Avro) | ${n(r.cpu_us_per_record)} / ${n(r.cpu_us_per_record_avro)} µs |`,
    `| peak RSS over ${n(r.heap_mb_after_gc?.length)} warm invocations of ${n(r.max_batch_records)} records, Lambda heap flags for ${n(r.function_memory_mb)} MB (target < half) | ${n(r.rss_mb_peak_warm_max_batch)} MB |`,
    `| heap used after GC, invocation 1 → last (min – max) | ${r.heap_mb_after_gc === undefined ? '—' : `${n(r.heap_mb_after_gc[0])} → ${n(r.heap_mb_after_gc.at(-1))} (${n(Math.min(...r.heap_mb_after_gc))} – ${n(Math.max(...r.heap_mb_after_gc))}) MB`} |`,
    `| peak RSS, first invocation of the largest batch (target < 256 MB) | ${n(r.rss_mb_10k)} MB |`,
    `| Lambda bundle (minified ESM) | ${n(r.bundle_bytes)} bytes |`,
    `| cold-start init (module load + connect + prepare) | ${n(r.init_ms)} ms |`,
    '',
    '| batch size | ceiling records/s | JSON records/s | Avro records/s | ceiling p50 / p99 ms | JSON p50 / p99 ms | Avro p50 / p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(r.latency_ms).map(
      ([size, l]) =>
        `| ${n(Number(size))} | ${n(l.ceiling?.rps)} | ${n(l.json?.rps)} | ${n(l.avro?.rps)} | ${n(l.ceiling?.p50)} / ${n(l.ceiling?.p99)} | ${n(l.json?.p50)} / ${n(l.json?.p99)} | ${n(l.avro?.p50)} / ${n(l.avro?.p99)} |`,
    ),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

if (process.argv.includes('--cost')) process.stdout.write(runCost(process.argv.slice(2)));
else await main();
