/**
 * `npm run bench` (`-- --quick` for a short run): throughput and cost per
 * record of the sink against the local services, side by side with the
 * driver ceiling and a Kafka Connect Cassandra sink. Writes
 * bench/results/latest.json and bench/results/latest.md.
 *
 *  (a) ceiling   cassandra-driver writing the same rows: prepared, same client options, same concurrency, nothing to decode
 *  (b) handler   MSK events of 100 / 1,000 / 10,000 records → createSinkHandler → Cassandra (JSON and Avro values)
 *  (c) e2e       Kafka → local poller (ESM defaults) → handler → Cassandra
 *  (d) baseline  Kafka Connect standalone + Camel's Cassandra sink, same Kafka, Cassandra and records
 *  (e) CDC      10,000 changes over 500 hot keys in same-millisecond bursts: handler vs the ceiling writing every change,
 *               and the writes the sink sends per record (coalescing)
 *  plus CPU µs per record without the database, p50/p99 batch latency, peak RSS of a 10,000-record batch
 *  and cold-start init in child processes running the Lambda bundle, and the bundle size.
 *
 * (a) and (b) alternate batch by batch, (c) and (d) and the two sides of (e)
 * run by run, so each ratio compares numbers taken under the same load of
 * this shared machine.
 *
 * `--handler-only` measures (a), (b) at 10,000 records and (e) only, and
 * merges those keys into the existing bench/results/latest.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type cassandra from 'cassandra-driver';
import { createSinkRuntime, type SinkRuntime } from '../lambdas/adapters/sink-runtime.js';
import { buildClientOptions } from '../lambdas/adapters/cassandra-client.js';
import { createCassandraSession } from '../lambdas/adapters/cassandra-session.js';
import { HttpSchemaRegistry } from '../lambdas/adapters/schema-registry.js';
import { SecretsManagerSource } from '../lambdas/adapters/secrets.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadSinkConfig } from '../lambdas/core/config/load.js';
import { createBatchRunner } from '../lambdas/core/sink/batch-runner.js';
import { createSinkEngine } from '../lambdas/core/sink/engine.js';
import { createSinkHandler } from '../lambdas/sink/create-handler.js';
import { createPoller } from '../local/poller/index.js';
import type { KafkaHandler, MskEvent } from '../local/poller/types.js';
import { ensureServices, endpoints } from '../local/services/index.js';
import { repoRoot } from '../local/services/paths.js';
import cassandraDriver from 'cassandra-driver';
import { benchCacheDir, bundleChild, bundleSinkHandler } from './lib/bundle.js';
import { CAMEL_CONNECTOR, CONNECT_VERSION, connectJars, runConnectBaseline } from './lib/connect.js';
import { lambdaContext, mskEvent, type BenchMessage } from './lib/events.js';
import { capturingSession, nullSession } from './lib/fake-session.js';
import { watchGroup } from './lib/progress.js';
import { ORDER_AVRO_SCHEMA, ORDER_PROTO_SCHEMA, avroValue, driverValues, insertCqlOf, jsonValue, makeOrder, protobufValue, type Order } from './lib/records.js';
import { cdcChanges, keyedPartitioner } from './lib/cdc.js';
import { startRegistry, type RegistryEntry } from './lib/registry.js';
import {
  CONCURRENCY,
  KEYSPACE,
  awsClientConfig,
  cassandraClient,
  createAwsFixtures,
  createSchema,
  createTopic,
  deleteTopics,
  produce,
  sinkConfig,
  useEmulatorEnvironment,
} from './lib/setup.js';
import { median, percentile, perSecond, ratio, round, spread, steadyRate } from './lib/stats.js';
import { DEFAULT_BATCH_SIZE } from '../infra/config/deploy-schema.js';

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

/** How much work each part does; `--quick` keeps the whole run under 5 minutes. */
const plan = quick
  ? { runs: 2, sizes: [100, 1_000, 10_000], recordsPerSize: { 100: 3_000, 1_000: 5_000, 10_000: 10_000 }, cpuRecords: 10_000, cpuPasses: 3, e2eRecords: 10_000, e2eRuns: 1, initRuns: 2 }
  : { runs: 5, sizes: [100, 1_000, 10_000], recordsPerSize: { 100: 10_000, 1_000: 10_000, 10_000: 10_000 }, cpuRecords: 10_000, cpuPasses: 5, e2eRecords: 30_000, e2eRuns: 3, initRuns: 5 };
plan.e2eRecords = intFlag('e2e-records') ?? plan.e2eRecords;
if (handlerOnly) plan.sizes = [10_000];
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
}

function summarize(runs: { records: number; latencies: number[] }[]): SizeResult {
  const rates = runs.map((run) => perSecond(run.records, run.latencies.reduce((a, b) => a + b, 0)));
  const latencies = runs.flatMap((run) => run.latencies);
  return { rps: round(median(rates)), runs: rates.map((r) => round(r)), p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)), batches: latencies.length };
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

async function runChild(script: string, env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || line === undefined) reject(new Error(`child exited with ${String(code)}:\n${stderr.slice(-2000)}\n${stdout.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, number>);
    });
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const wallStart = performance.now();
  useEmulatorEnvironment();
  log(`mode ${quick ? 'quick' : 'full'}; starting the local services if needed`);
  await ensureServices(log);

  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const salt = Number.parseInt(runId.slice(-6), 36) >>> 0;
  const admin = cassandraClient();
  await admin.connect();
  await createSchema(admin);
  const aws = await createAwsFixtures(runId);
  const registry = await startRegistry(new Map<number, RegistryEntry>([[SCHEMA_ID, JSON.stringify(ORDER_AVRO_SCHEMA)], [PROTO_SCHEMA_ID, { schema: ORDER_PROTO_SCHEMA, schemaType: 'PROTOBUF' }]]));
  const topics = { json: `bench-orders-json-${runId}`, avro: `bench-orders-avro-${runId}`, protobuf: `bench-orders-protobuf-${runId}`, registryUrl: registry.url };
  const configJson = JSON.stringify(sinkConfig(aws.secretArn, topics));
  const sinkEnv = {
    ...process.env,
    SINK_CONFIG: configJson,
    DLQ_URL: aws.dlqUrl,
    AWS_LAMBDA_FUNCTION_NAME: 'kcs-bench',
  };
  const createdTopics: string[] = [];
  let runtime: SinkRuntime | undefined;
  let ceilingClient: cassandra.Client | undefined;
  try {
    // Records: the orders, as JSON and Avro messages, and as the driver values the sink binds.
    const maxRecords = Math.max(plan.e2eRecords, ...Object.values(plan.recordsPerSize), plan.cpuRecords);
    const orders: Order[] = Array.from({ length: maxRecords }, (_, i) => makeOrder(i, salt));
    const message = (order: Order, i: number, value: Buffer): BenchMessage => ({ key: Buffer.from(order.order_id), value, timestamp: T0 + i });
    const jsonMessages = orders.map((order, i) => message(order, i, jsonValue(order)));
    const avroMessages = orders.map((order, i) => message(order, i, avroValue(order, SCHEMA_ID)));
    const protobufMessages = orders.map((order, i) => message(order, i, protobufValue(order, PROTO_SCHEMA_ID)));
    const rows = orders.map((order, i) => driverValues(order, T0 + i));
    const avgJsonBytes = jsonMessages.reduce((sum, m) => sum + m.value.length, 0) / jsonMessages.length;
    const avgAvroBytes = avroMessages.reduce((sum, m) => sum + m.value.length, 0) / avroMessages.length;
    log(`records: ${String(maxRecords)} orders, JSON ${String(Math.round(avgJsonBytes))} B, Avro ${String(Math.round(avgAvroBytes))} B per value`);

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
    const ceilingOptions: cassandra.QueryOptions = { prepare: true, consistency: cassandraDriver.types.consistencies.localOne, isIdempotent: true };
    await ceilingClient.execute(insert, rows[0], ceilingOptions);

    // Warm-up: JIT, prepared statements, connections.
    log('warm-up');
    const warm = jsonMessages.slice(0, 2_000);
    for (const batch of chunks(warm, 500)) await handler(mskEvent(topics.json, batch, PARTITIONS), lambdaContext());
    for (const batch of chunks(avroMessages.slice(0, 2_000), 500)) await handler(mskEvent(topics.avro, batch, PARTITIONS), lambdaContext());
    for (const batch of chunks(protobufMessages.slice(0, 2_000), 500)) await handler(mskEvent(topics.protobuf, batch, PARTITIONS), lambdaContext());
    for (const batch of chunks(rows.slice(0, 2_000), 500)) await pool(batch, CONCURRENCY, async (values) => { await ceilingClient?.execute(insert, values, ceilingOptions); });

    // (a) and (b), alternating batch by batch.
    const ceilingRuns = new Map<number, { records: number; latencies: number[] }[]>();
    const handlerRuns = {
      json: new Map<number, { records: number; latencies: number[] }[]>(),
      avro: new Map<number, { records: number; latencies: number[] }[]>(),
      protobuf: new Map<number, { records: number; latencies: number[] }[]>(),
    };
    for (const size of plan.sizes) {
      const total = plan.recordsPerSize[size as keyof typeof plan.recordsPerSize];
      const jsonEvents = chunks(jsonMessages.slice(0, total), size).map((batch, i) => mskEvent(topics.json, batch, PARTITIONS, i * size));
      const avroEvents = chunks(avroMessages.slice(0, total), size).map((batch, i) => mskEvent(topics.avro, batch, PARTITIONS, i * size));
      const protobufEvents = chunks(protobufMessages.slice(0, total), size).map((batch, i) => mskEvent(topics.protobuf, batch, PARTITIONS, i * size));
      const rowBatches = chunks(rows.slice(0, total), size);
      for (let run = 0; run < plan.runs; run++) {
        const c = { records: 0, latencies: [] as number[] };
        const j = { records: 0, latencies: [] as number[] };
        const a = { records: 0, latencies: [] as number[] };
        const p = { records: 0, latencies: [] as number[] };
        for (let i = 0; i < rowBatches.length; i++) {
          const batch = rowBatches[i] as unknown[][];
          let t = performance.now();
          await pool(batch, CONCURRENCY, async (values) => { await ceilingClient?.execute(insert, values, ceilingOptions); });
          c.latencies.push(performance.now() - t);
          c.records += batch.length;
          for (const [format, events, into] of [['json', jsonEvents, j], ['avro', avroEvents, a], ['protobuf', protobufEvents, p]] as const) {
            const event = events[i] as MskEvent;
            t = performance.now();
            const response = await handler(event, lambdaContext());
            into.latencies.push(performance.now() - t);
            if (response.batchItemFailures.length > 0) throw new Error(`${format} batch of ${String(size)}: ${String(response.batchItemFailures.length)} failures`);
            into.records += size;
          }
        }
        (ceilingRuns.get(size) ?? ceilingRuns.set(size, []).get(size))?.push(c);
        (handlerRuns.json.get(size) ?? handlerRuns.json.set(size, []).get(size))?.push(j);
        (handlerRuns.avro.get(size) ?? handlerRuns.avro.set(size, []).get(size))?.push(a);
        (handlerRuns.protobuf.get(size) ?? handlerRuns.protobuf.set(size, []).get(size))?.push(p);
        log(`size ${String(size)} run ${String(run + 1)}: ceiling ${String(Math.round(perSecond(c.records, sum(c.latencies))))}/s, json ${String(Math.round(perSecond(j.records, sum(j.latencies))))}/s, avro ${String(Math.round(perSecond(a.records, sum(a.latencies))))}/s, protobuf ${String(Math.round(perSecond(p.records, sum(p.latencies))))}/s`);
      }
    }
    const ceiling = Object.fromEntries([...ceilingRuns].map(([size, runs]) => [size, summarize(runs)]));
    const handlerJson = Object.fromEntries([...handlerRuns.json].map(([size, runs]) => [size, summarize(runs)]));
    const handlerAvro = Object.fromEntries([...handlerRuns.avro].map(([size, runs]) => [size, summarize(runs)]));
    const handlerProtobuf = Object.fromEntries([...handlerRuns.protobuf].map(([size, runs]) => [size, summarize(runs)]));
    const top = plan.sizes.at(-1) as number;
    // (b)/(a) per run on distinct keys (every record its own row): coalescing must not cost anything there.
    const distinctRatios = spread(
      (handlerRuns.json.get(top) ?? []).map((run, i) => {
        const ceilingRun = ceilingRuns.get(top)?.[i];
        return ceilingRun === undefined ? Number.NaN : perSecond(run.records, sum(run.latencies)) / perSecond(ceilingRun.records, sum(ceilingRun.latencies));
      }),
    );

    // (e) CDC-like: hot keys in same-millisecond bursts, one partition per key; ceiling and handler alternate run by run.
    log(`CDC workload: ${String(cdcPlan.records)} changes over ${String(cdcPlan.keys)} keys`);
    const changes = cdcChanges(cdcPlan.records, cdcPlan.keys, salt, T0 + 100_000_000);
    const cdcMessages: BenchMessage[] = changes.map((c) => ({ key: Buffer.from(c.order.order_id), value: jsonValue(c.order), timestamp: c.timestamp }));
    const cdcRows = changes.map((c) => driverValues(c.order, c.timestamp));
    const byKey = keyedPartitioner(PARTITIONS);
    const cdcRuns: { ceiling: number; handler: number }[] = [];
    for (let run = 0; run < cdcPlan.runs; run++) {
      let t = performance.now();
      await pool(cdcRows, CONCURRENCY, async (values) => { await ceilingClient?.execute(insert, values, ceilingOptions); });
      const ceilingMs = performance.now() - t;
      const event = mskEvent(topics.json, cdcMessages, PARTITIONS, run * cdcPlan.records, byKey);
      t = performance.now();
      const response = await handler(event, lambdaContext());
      const handlerMs = performance.now() - t;
      if (response.batchItemFailures.length > 0) throw new Error(`CDC batch: ${String(response.batchItemFailures.length)} failures`);
      cdcRuns.push({ ceiling: perSecond(cdcPlan.records, ceilingMs), handler: perSecond(cdcPlan.records, handlerMs) });
      log(`CDC run ${String(run + 1)}: ceiling ${String(Math.round(perSecond(cdcPlan.records, ceilingMs)))}/s, handler ${String(Math.round(perSecond(cdcPlan.records, handlerMs)))}/s`);
    }
    // Writes sent per record: the same events through a handler whose session only counts statements.
    const counted = capturingSession(createCassandraSession(admin));
    await createSinkEngine({ config, session: counted.session, schemaRegistry: new HttpSchemaRegistry({ url: registry.url }) });
    const writesPerRecord = async (messages: readonly BenchMessage[], partitionOf?: (m: BenchMessage, i: number) => number): Promise<number> => {
      const session = nullSession(counted.captured);
      const engine = await createSinkEngine({ config, session, schemaRegistry: new HttpSchemaRegistry({ url: registry.url }) });
      const run = createBatchRunner({ engine, deadLetters: { send: () => Promise.reject(new Error('no dead letters expected')) } });
      await createSinkHandler({ config, engine, run } as unknown as SinkRuntime)(mskEvent(topics.json, messages, PARTITIONS, 0, partitionOf), lambdaContext());
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
    log(`CDC: handler/ceiling ${String(cdcRatios.min)} / ${String(cdcRatios.median)} / ${String(cdcRatios.max)} (min/median/max), ${String(cdc.writes_per_record)} writes per record; distinct keys (b)/(a) ${String(distinctRatios.min)} / ${String(distinctRatios.median)} / ${String(distinctRatios.max)}`);
    const cdcTarget = { target: '>= 3 (median)', value: cdcRatios.median, met: cdcRatios.median >= 3 };
    if (handlerOnly) {
      const outDir = path.join(repoRoot, 'bench', 'results');
      const file = path.join(outDir, 'latest.json');
      const previous = JSON.parse(readFileSync(file, 'utf8')) as Result & { targets: Record<string, unknown> };
      const merged = {
        ...previous,
        cdc,
        handler_over_ceiling_spread: distinctRatios,
        handler_only_run: { generated_at: startedAt.toISOString(), mode: quick ? 'quick' : 'full', duration_s: round((performance.now() - wallStart) / 1000), loadavg_at_end: os.loadavg().map((l) => round(l, 2)) },
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
      const events = chunks(source.slice(0, plan.cpuRecords), 1_000).map((batch, i) => mskEvent(format === 'json' ? topics.json : topics.avro, batch, PARTITIONS, i * 1_000));
      for (const event of events) await fakeHandler(event, lambdaContext()); // warm-up (and the schema fetch)
      const runs: number[] = [];
      for (let pass = 0; pass < plan.cpuPasses; pass++) {
        const before = process.cpuUsage();
        for (const event of events) await fakeHandler(event, lambdaContext());
        const used = process.cpuUsage(before);
        runs.push((used.user + used.system) / plan.cpuRecords);
      }
      if (session.statements() !== plan.cpuRecords * (plan.cpuPasses + 1)) throw new Error(`fake session saw ${String(session.statements())} statements`);
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
    const eventFile = path.join(benchCacheDir, 'event-10k.json');
    writeFileSync(eventFile, JSON.stringify(mskEvent(topics.json, jsonMessages.slice(0, 10_000), PARTITIONS)));
    const rssRuns: Record<string, number>[] = [];
    for (let i = 0; i < Math.max(1, plan.runs - 2); i++) rssRuns.push(await runChild(child, { ...childEnv, BENCH_EVENT_FILE: eventFile }));
    for (const r of rssRuns) if (r.failures !== 0) throw new Error(`the 10,000-record batch in the child reported ${String(r.failures)} failures`);
    const rss = {
      peak_mb: round(Math.max(...rssRuns.map((r) => r.peakRssMb as number))),
      after_init_mb: round(median(rssRuns.map((r) => r.rssAfterInitMb as number))),
      handle_ms: round(median(rssRuns.map((r) => r.handleMs as number))),
      event_bytes: JSON.stringify(mskEvent(topics.json, jsonMessages.slice(0, 10_000), PARTITIONS)).length,
    };
    const init = { init_ms: round(median(inits.map((r) => r.initMs as number))), ready_ms: round(median(inits.map((r) => r.readyMs as number))), runs: inits.map((r) => round(r.initMs as number)) };
    log(`bundle ${String(bundle.bytes)} B, init ${String(init.init_ms)} ms, peak RSS ${String(rss.peak_mb)} MB`);

    // (c) and (d): the same topic, run by run.
    log(`end to end and baseline: ${String(plan.e2eRecords)} records on ${String(PARTITIONS)} partitions`);
    await createTopic(topics.json, PARTITIONS);
    createdTopics.push(topics.json);
    await produce(topics.json, PARTITIONS, jsonMessages.slice(0, plan.e2eRecords).map((m) => ({ ...m, timestamp: Date.now() })));
    const jars = skipBaseline ? [] : await connectJars();
    const e2eRuns: { rps: number; startup_ms: number; total_ms: number }[] = [];
    const baselineRuns: { rps: number; startup_ms: number; total_ms: number }[] = [];
    for (let run = 0; run < plan.e2eRuns; run++) {
      const groupId = `bench-e2e-${runId}-${String(run)}`;
      const watch = watchGroup(groupId, topics.json);
      const poller = createPoller({
        bootstrapServers: [endpoints.kafka],
        topics: [topics.json],
        groupId,
        handler: handler as unknown as KafkaHandler,
        batchSize: E2E_BATCH_SIZE,
        statsIntervalMs: 0,
        timeoutMs: 300_000,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1_000,
        rebalanceTimeoutMs: 10_000,
      });
      let failed = 0;
      poller.events.on('invocation', (report) => { if (report.outcome !== 'success') failed += 1; });
      const launched = performance.now();
      try {
        await poller.start();
        const samples = await watch.until(plan.e2eRecords, 600_000);
        const rate = steadyRate(samples, plan.e2eRecords);
        if (rate === null) throw new Error('end to end: no steady-state window');
        if (failed > 0) throw new Error(`end to end: ${String(failed)} invocations did not succeed`);
        const first = samples.find((s) => s.done > 0);
        e2eRuns.push({ rps: round(rate), startup_ms: round((first?.atMs ?? launched) - launched), total_ms: round((samples.at(-1)?.atMs ?? launched) - launched) });
        log(`e2e run ${String(run + 1)}: ${String(Math.round(rate))}/s`);
      } finally {
        await poller.stop();
        await watch.close();
      }
      if (!skipBaseline) {
        const result = await runConnectBaseline({ jars, topic: topics.json, partitions: PARTITIONS, total: plan.e2eRecords, run: `${runId}-${String(run)}`, timeoutMs: 900_000 });
        const rate = steadyRate(result.samples, plan.e2eRecords);
        if (rate === null) throw new Error('baseline: no steady-state window');
        baselineRuns.push({ rps: round(rate), startup_ms: round(result.startupMs), total_ms: round(result.totalMs) });
        log(`baseline run ${String(run + 1)}: ${String(Math.round(rate))}/s`);
      }
    }

    // The report.
    const ceilingRps = ceiling[top]?.rps ?? Number.NaN;
    const handlerRps = handlerJson[top]?.rps ?? Number.NaN;
    const e2eRps = round(median(e2eRuns.map((r) => r.rps)));
    const baselineRps = baselineRuns.length === 0 ? null : round(median(baselineRuns.map((r) => r.rps)));
    const handlerOverCeiling = ratio(handlerRps, ceilingRps);
    const e2eOverBaseline = ratio(e2eRps, baselineRps);
    const cpus = os.cpus();
    const result = {
      generated_at: startedAt.toISOString(),
      mode: quick ? 'quick' : 'full',
      duration_s: round((performance.now() - wallStart) / 1000),
      machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', memory_gb: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadavg_at_end: os.loadavg().map((l) => round(l, 2)) },
      setup: {
        cassandra: '5.0 single node (local services)', kafka: '4.3.1 KRaft single broker',
        record: '10-field order event', json_value_bytes: Math.round(avgJsonBytes), avro_value_bytes: Math.round(avgAvroBytes),
        table: `${KEYSPACE}.orders (10 columns incl. list, set, frozen UDT, decimal, timestamp, uuid)`,
        max_concurrent_requests: CONCURRENCY, partitions: PARTITIONS, runs: plan.runs, records_per_size: plan.recordsPerSize,
        e2e: { records: plan.e2eRecords, runs: plan.e2eRuns, batch_size: E2E_BATCH_SIZE, poller_concurrency: 5, rate: 'committed offsets, 10%→90% of the records' },
        baseline: { connect: `connect-runtime ${CONNECT_VERSION} standalone`, connector: CAMEL_CONNECTOR, statement: `INSERT INTO ${KEYSPACE}.orders JSON ?`, tasks: PARTITIONS },
        metrics: 'Powertools EMF metrics off (POWERTOOLS_METRICS_DISABLED), log level WARN',
      },
      ceiling_rps: ceilingRps,
      handler_rps: handlerRps,
      handler_avro_rps: handlerAvro[top]?.rps ?? null,
      handler_rps_protobuf: handlerProtobuf[top]?.rps ?? null,
      e2e_rps: e2eRps,
      baseline_rps: baselineRps,
      handler_over_ceiling: handlerOverCeiling === null ? null : round(handlerOverCeiling),
      e2e_over_baseline: e2eOverBaseline === null ? null : round(e2eOverBaseline),
      cpu_us_per_record: cpu.json?.us_per_record ?? null,
      cpu_us_per_record_avro: cpu.avro?.us_per_record ?? null,
      rss_mb_10k: rss.peak_mb,
      bundle_bytes: bundle.bytes,
      init_ms: init.init_ms,
      cdc,
      handler_over_ceiling_spread: distinctRatios,
      latency_ms: Object.fromEntries(plan.sizes.map((size) => [size, { ceiling: pick(ceiling[size]), json: pick(handlerJson[size]), avro: pick(handlerAvro[size]) }])),
      targets: {
        handler_over_ceiling: { target: '>= 0.9', value: handlerOverCeiling === null ? null : round(handlerOverCeiling), met: handlerOverCeiling !== null && handlerOverCeiling >= 0.9 },
        e2e_over_baseline: { target: '>= 2', value: e2eOverBaseline === null ? null : round(e2eOverBaseline), met: e2eOverBaseline !== null && e2eOverBaseline >= 2 },
        rss_mb_10k: { target: '< 256', value: rss.peak_mb, met: rss.peak_mb < 256 },
        cdc_handler_over_ceiling: cdcTarget,
      },
      detail: { ceiling, handler: { json: handlerJson, avro: handlerAvro, protobuf: handlerProtobuf }, cpu, rss, init, bundle: { bytes: bundle.bytes, source_map_bytes: bundle.sourceMapBytes }, e2e: e2eRuns, baseline: baselineRuns, registry_requests: registry.requests() },
    };
    const outDir = path.join(repoRoot, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(outDir, 'latest.md'), markdown(result));
    log(`wrote bench/results/latest.json and latest.md in ${String(result.duration_s)} s`);
    process.stdout.write(markdown(result));
  } finally {
    await runtime?.close().catch(() => undefined);
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
  cdc?: { records: number; keys: number; same_ms_as_previous: number; ceiling_rps: number; handler_rps: number; handler_over_ceiling: Spread; writes_per_record: number; writes_per_record_distinct: number };
  handler_over_ceiling_spread?: Spread;
  machine: { cpus: number; model: string; memory_gb: number; node: string };
  mode: string;
  setup: { e2e: { batch_size: number } };
  generated_at: string;
  latency_ms: Record<string, { ceiling: ReturnType<typeof pick>; json: ReturnType<typeof pick>; avro: ReturnType<typeof pick> }>;
};

function markdown(r: Result): string {
  const n = (v: number | string | null | undefined): string => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v ?? '—');
  const spreadText = (s: Spread | undefined): string => (s === undefined ? '—' : `${n(s.min)} / ${n(s.median)} / ${n(s.max)}`);
  const lines = [
    `Run ${r.generated_at} (${r.mode}) on ${String(r.machine.cpus)} × ${r.machine.model}, ${n(r.machine.memory_gb)} GB, Node ${r.machine.node}; Cassandra, Kafka and the bench share the machine.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| (a) driver ceiling, 10,000-row batches | ${n(r.ceiling_rps)} records/s |`,
    `| (b) handler, 10,000-record JSON events | ${n(r.handler_rps)} records/s |`,
    `| (b) handler, 10,000-record Avro events | ${n(r.handler_avro_rps)} records/s |`,
    `| (b) handler, 10,000-record Protobuf events | ${n(r.handler_rps_protobuf)} records/s |`,
    `| (c) end to end, Kafka → poller (batch size ${n(r.setup.e2e.batch_size)}) → handler | ${n(r.e2e_rps)} records/s |`,
    `| (d) baseline, Kafka Connect + Camel Cassandra sink | ${n(r.baseline_rps)} records/s |`,
    `| (b)/(a) (target ≥ 0.9) | ${n(r.handler_over_ceiling)} |`,
    `| (c)/(d) (target ≥ 2) | ${n(r.e2e_over_baseline)} |`,
    `| (b)/(a) per run, distinct keys, min / median / max | ${spreadText(r.handler_over_ceiling_spread)} |`,
    `| (e) CDC, ${n(r.cdc?.records)} changes over ${n(r.cdc?.keys)} keys: ceiling / handler | ${n(r.cdc?.ceiling_rps)} / ${n(r.cdc?.handler_rps)} records/s |`,
    `| (e) CDC handler / ceiling per run, min / median / max (target ≥ 3) | ${spreadText(r.cdc?.handler_over_ceiling)} |`,
    `| (e) writes sent per record, CDC / distinct keys | ${n(r.cdc?.writes_per_record)} / ${n(r.cdc?.writes_per_record_distinct)} |`,
    `| CPU per record, decode + map + bind, no database (JSON / Avro) | ${n(r.cpu_us_per_record)} / ${n(r.cpu_us_per_record_avro)} µs |`,
    `| peak RSS, 10,000-record batch (target < 256 MB) | ${n(r.rss_mb_10k)} MB |`,
    `| Lambda bundle (minified ESM) | ${n(r.bundle_bytes)} bytes |`,
    `| cold-start init (module load + connect + prepare) | ${n(r.init_ms)} ms |`,
    '',
    '| batch size | ceiling records/s | JSON records/s | Avro records/s | ceiling p50 / p99 ms | JSON p50 / p99 ms | Avro p50 / p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(r.latency_ms).map(
      ([size, l]) => `| ${n(Number(size))} | ${n(l.ceiling?.rps)} | ${n(l.json?.rps)} | ${n(l.avro?.rps)} | ${n(l.ceiling?.p50)} / ${n(l.ceiling?.p99)} | ${n(l.json?.p50)} / ${n(l.json?.p99)} | ${n(l.avro?.p50)} / ${n(l.avro?.p99)} |`,
    ),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

await main();
