/**
 * The soak run: N records (default 1,000,000) end to end — a producer process
 * → the real Kafka → the local poller (ESM semantics) → the real sink handler
 * and runtime → the real Cassandra, dead letters to the emulator's SQS — while
 * this process samples its own memory and open sockets. It passes when memory
 * is flat, no connection count grows, and every record is in Cassandra (count
 * and checksum, write time = Kafka timestamp) or in the DLQ.
 *
 * It runs on services of its own (ports and directory set by run.ts), never
 * on the shared ones: a million rows and a sustained full-speed load would
 * disturb everyone else's tests and benchmarks and be disturbed by them; nor
 * on the fault suite's, which that suite stops when it ends. Services it
 * starts it stops again.
 *
 * The producer is held to a window ahead of the committed offsets
 * (--window, default 20,000 records): a steady stream, not a backlog, so
 * that what the samples measure is the sink's steady state rather than a
 * Kafka client's fetch buffers filling and draining.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Admin } from '@platformatic/kafka';
import cassandra from 'cassandra-driver';
import { createSinkRuntime, type SinkRuntime } from '../../lambdas/composition/sink-runtime.js';
import { RuntimeVariable, writeRuntimeEnvironment } from '../../lambdas/contract/runtime-env.js';
import { countOutcomes, noOutcomes } from '../../lambdas/core/outcome.js';
import { startSink } from '../runner/run.js';
import { localAwsClientConfig as awsClientConfig, localSinkConfig, uniqueName, until, withCassandra } from '../services/fixtures.js';
import { ensureServices, endpoints, localCassandraCredentials, ports, stopServices } from '../services/index.js';
import { repoRoot } from '../services/paths.js';
import { expectedRowLine, LineChecksum, POISON_EVERY, soakRecord } from './records.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '1000' },
    'sample-ms': { type: 'string', default: '3000' },
    'timeout-min': { type: 'string', default: '90' },
    window: { type: 'string', default: '20000' },
    /** Allowed growth of the last quarter's median over the second quarter's (RSS and heap after GC). */
    'memory-tolerance': { type: 'string', default: '0.15' },
    out: { type: 'string', default: path.join(repoRoot, 'local', 'soak', 'results', 'soak.json') },
  },
});
const RECORDS = Number(args.records);
const PARTITIONS = Number(args.partitions);
const BATCH_SIZE = Number(args['batch-size']);
const SAMPLE_MS = Number(args['sample-ms']);
const TIMEOUT_MS = Number(args['timeout-min']) * 60_000;
const WINDOW = Number(args.window);
const MEMORY_TOLERANCE = Number(args['memory-tolerance']);
/** Absolute slack on top of the relative tolerance, for runs so short their medians sit near the baseline. */
const MEMORY_SLACK_BYTES = 16 * 1024 * 1024;
for (const [name, value] of Object.entries({ RECORDS, PARTITIONS, BATCH_SIZE, SAMPLE_MS, TIMEOUT_MS, MEMORY_TOLERANCE, WINDOW })) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name.toLowerCase()} must be a positive number`);
}

const log = (line: string): void => {
  process.stdout.write(`[soak] ${line}\n`);
};
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

// ------------------------------------------------------------------ sampling

interface Sample {
  readonly atMs: number;
  readonly committed: number;
  readonly rssBytes: number;
  /** V8 heap in use right after a full GC (when --expose-gc is on; else as found). */
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly fds: number;
  /** Established TCP connections of this process, by service. */
  readonly sockets: { cassandra: number; kafka: number; aws: number; other: number };
}

/** Inodes of this process's sockets, from its file descriptors. */
function socketInodes(): { inodes: Set<string>; fds: number } {
  const inodes = new Set<string>();
  const entries = readdirSync('/proc/self/fd');
  for (const fd of entries) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return { inodes, fds: entries.length };
}

/** Established connections of this process by remote port (/proc/net/tcp lists the namespace's; the fd inodes pick ours). */
function openConnections(): { sockets: Sample['sockets']; fds: number } {
  const { inodes, fds } = socketInodes();
  const sockets = { cassandra: 0, kafka: 0, aws: 0, other: 0 };
  for (const file of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const remote = cols[2];
      const state = cols[3];
      const inode = cols[9];
      if (remote === undefined || inode === undefined || state !== '01' || !inodes.has(inode)) continue;
      const port = parseInt(remote.split(':')[1] ?? '0', 16);
      if (port === ports.cassandraNative) sockets.cassandra++;
      else if (port === ports.kafka) sockets.kafka++;
      else if (port === ports.awsEmulator) sockets.aws++;
      else sockets.other++;
    }
  }
  return { sockets, fds };
}

const gc = (globalThis as { gc?: () => void }).gc;

function sample(startedAt: number, committed: number): Sample {
  gc?.();
  const memory = process.memoryUsage();
  const { sockets, fds } = openConnections();
  return {
    atMs: Date.now() - startedAt,
    committed,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    fds,
    sockets,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Samples in quarters of the run's duration (by time, not count). */
function quarters(samples: readonly Sample[]): [Sample[], Sample[], Sample[], Sample[]] {
  const end = samples[samples.length - 1]?.atMs ?? 0;
  const q: [Sample[], Sample[], Sample[], Sample[]] = [[], [], [], []];
  for (const s of samples) q[Math.min(3, Math.floor((s.atMs / Math.max(1, end)) * 4))]?.push(s);
  return q;
}

// ------------------------------------------------------------------ the run

async function main(): Promise<number> {
  // The SDK clients inside the runtime read the emulator endpoint, region and (dummy) keys from the environment.
  process.env.AWS_ENDPOINT_URL = endpoints.aws;
  process.env.AWS_REGION = endpoints.awsRegion;
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env[RuntimeVariable.logLevel] ??= 'ERROR'; // a WARN line per dead letter would drown the samples
  process.env[RuntimeVariable.metricsDisabled] ??= 'true';
  const started = await ensureServices(log);
  const sqs = new SQSClient(awsClientConfig);
  const admin = new Admin({ clientId: 'soak-admin', bootstrapBrokers: [endpoints.kafka] });
  const keyspace = uniqueName('soak');
  const table = `${keyspace}.orders`;
  const topic = uniqueName('soak').replaceAll('_', '-');
  let queueUrl = '';
  let runtime: SinkRuntime | undefined;
  try {
    await withCassandra(async (client) => {
      await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await client.execute(
        `CREATE TABLE ${table} (id text PRIMARY KEY, seq bigint, payload text, amount decimal, at timestamp, tags list<text>)`,
      );
    });
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
    queueUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('soak-dlq'), Attributes: { VisibilityTimeout: '300' } }))).QueueUrl ??
      '';
    const sm = new SecretsManagerClient(awsClientConfig);
    const secretArn =
      (
        await sm.send(
          new CreateSecretCommand({ Name: uniqueName('soak-cassandra'), SecretString: JSON.stringify(localCassandraCredentials) }),
        )
      ).ARN ?? '';
    sm.destroy();

    const config = localSinkConfig({
      credentialsSecretArn: secretArn,
      topics: {
        [topic]: {
          keyFormat: 'string',
          valueFormat: 'json',
          tables: {
            [table]: { mapping: 'id=key, seq=value.seq, payload=value.payload, amount=value.amount, at=value.at, tags=value.tags' },
          },
        },
      },
    });
    runtime = await createSinkRuntime({
      ...writeRuntimeEnvironment({ sinkConfig: JSON.stringify(config), dlqUrl: queueUrl }),
      [RuntimeVariable.region]: endpoints.awsRegion,
    });
    const outcomes = noOutcomes();
    const base = runtime;
    const counted: SinkRuntime = {
      ...base,
      run: async (records, options) => {
        const result = await base.run(records, options);
        countOutcomes(result, outcomes);
        return result;
      },
    };
    const commits = new Map<number, bigint>();
    const warnings: string[] = [];
    let invocations = 0;
    const t0 = Date.now() - 24 * 3_600_000;
    const startedAt = Date.now();
    const samples: Sample[] = [sample(startedAt, 0)];
    // Started through the local runner's entry, as `npm start`, the fault harness and the bench start it.
    const sink = await startSink({
      runtime: counted,
      bootstrapServers: [endpoints.kafka],
      topics: [topic],
      groupId: uniqueName('soak-group'),
      // Warnings go to the report (the first 20), not the terminal.
      warn: () => undefined,
      poller: { batchSize: BATCH_SIZE, maximumBatchingWindowMs: 500, timeoutMs: 60_000, statsIntervalMs: 0 },
      observe: (poller) => {
        poller.events.on('commit', ({ partition, offset }) => commits.set(partition, offset));
        poller.events.on('invocation', () => {
          invocations++;
        });
        poller.events.on('warning', (error) => {
          if (warnings.length < 20) warnings.push(error.message);
        });
      },
    });
    const committed = (): number => [...commits.values()].reduce((n, o) => n + Number(o), 0);

    const producer = spawn(
      process.execPath,
      [
        ...process.execArgv.filter((a) => a !== '--expose-gc'),
        path.join(repoRoot, 'local', 'soak', 'produce.ts'),
        endpoints.kafka,
        topic,
        String(RECORDS),
        String(PARTITIONS),
        String(t0),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    // The producer exits once every record is sent, which can be before the last credit line:
    // a write to its closed stdin is then EPIPE, and there is nothing left to grant.
    producer.stdin.on('error', () => undefined);
    const grant = (): void => {
      if (producer.stdin.writable) producer.stdin.write(`${String(committed() + WINDOW)}\n`);
    };
    grant();
    const credit = setInterval(grant, 200);
    let producerExit: number | null | undefined;
    producer.on('exit', (code) => (producerExit = code));
    producer.stdout.on('data', (chunk: Buffer) => {
      log(`${chunk.toString('utf8').trim()} (${String(committed())} committed)`);
    });

    log(
      `${String(RECORDS)} records, ${String(PARTITIONS)} partitions, batch size ${String(BATCH_SIZE)}, producer window ${String(WINDOW)}; Cassandra ${endpoints.cassandra}, Kafka ${endpoints.kafka}; gc ${gc === undefined ? 'not exposed' : 'forced before each sample'}`,
    );
    const timer = setInterval(() => {
      const s = sample(startedAt, committed());
      samples.push(s);
      const previous = samples[samples.length - 2];
      const rate = previous === undefined ? 0 : ((s.committed - previous.committed) * 1000) / Math.max(1, s.atMs - previous.atMs);
      log(
        `${String(Math.round(s.atMs / 1000))}s committed ${String(s.committed)} (${String(Math.round(rate))}/s) rss ${String(mb(s.rssBytes))} MB heap ${String(mb(s.heapUsedBytes))} MB ` +
          `sockets cassandra ${String(s.sockets.cassandra)} kafka ${String(s.sockets.kafka)} aws ${String(s.sockets.aws)} fds ${String(s.fds)}`,
      );
    }, SAMPLE_MS);
    try {
      await until(
        'every record committed',
        () => committed() >= RECORDS || (producerExit !== undefined && producerExit !== 0),
        TIMEOUT_MS,
        200,
      );
    } finally {
      clearInterval(timer);
      clearInterval(credit);
      producer.stdin.end();
    }
    if (producerExit !== undefined && producerExit !== 0) throw new Error(`the producer exited with ${String(producerExit)}`);
    samples.push(sample(startedAt, committed()));
    const elapsedMs = Date.now() - startedAt;
    await sink.stop();

    // Rate over the middle of the run (10% → 90% committed), as the bench measures it.
    const at = (fraction: number): Sample | undefined => samples.find((s) => s.committed >= RECORDS * fraction);
    const s10 = at(0.1);
    const s90 = at(0.9);
    const rate =
      s10 !== undefined && s90 !== undefined && s90.atMs > s10.atMs
        ? Math.round(((s90.committed - s10.committed) * 1000) / (s90.atMs - s10.atMs))
        : Math.round((RECORDS * 1000) / elapsedMs);

    log('checking the end state (every row, and the DLQ)');
    const poisonExpected = Math.floor((RECORDS + POISON_EVERY / 2) / POISON_EVERY);
    const expected = new LineChecksum();
    for (let n = 0; n < RECORDS; n++) {
      const r = soakRecord(n, PARTITIONS, t0);
      if (!r.poison) expected.add(expectedRowLine(r));
    }
    const actual = new LineChecksum();
    await withCassandra(async (client) => {
      const result = await client.execute(`SELECT id, seq, payload, amount, at, tags, WRITETIME(seq) AS wt FROM ${table}`, [], {
        prepare: true,
        fetchSize: 5_000,
        consistency: cassandra.types.consistencies.one,
        readTimeout: 60_000,
      });
      for await (const row of result) {
        const tags = row.get('tags') as string[] | null;
        actual.add(
          [
            String(row.get('id')),
            String(row.get('seq')),
            String(row.get('payload')),
            String(row.get('amount')),
            String((row.get('at') as Date).getTime()),
            (tags ?? []).join(','),
            String(row.get('wt')),
          ].join('|'),
        );
      }
    });
    const dead = new Set<string>();
    for (;;) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const got = out.Messages ?? [];
      if (got.length === 0) break;
      for (const m of got) {
        const body = JSON.parse(m.Body ?? '{}') as { record?: { partition: number; offset: string } };
        dead.add(`${String(body.record?.partition)}/${String(body.record?.offset)}`);
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }

    // ---------------------------------------------------------------- verdict
    const [, q2, , q4] = quarters(samples);
    const rssQ2 = median(q2.map((s) => s.rssBytes));
    const rssQ4 = median(q4.map((s) => s.rssBytes));
    const heapQ2 = median(q2.map((s) => s.heapUsedBytes));
    const heapQ4 = median(q4.map((s) => s.heapUsedBytes));
    const maxOf = (list: readonly Sample[], key: keyof Sample['sockets']): number => Math.max(0, ...list.map((s) => s.sockets[key]));
    const checks: Record<string, boolean> = {
      'every good record is a row with its content and write time (count)': actual.count === expected.count,
      'every good record is a row with its content and write time (checksum)': actual.value === expected.value,
      'every poison record is in the DLQ': dead.size === poisonExpected,
      'RSS flat: last-quarter median within tolerance of second-quarter median':
        rssQ4 <= rssQ2 * (1 + MEMORY_TOLERANCE) + MEMORY_SLACK_BYTES,
      'heap after GC flat: last-quarter median within tolerance of second-quarter median':
        heapQ4 <= heapQ2 * (1 + MEMORY_TOLERANCE) + MEMORY_SLACK_BYTES,
      'no growth in Cassandra connections': maxOf(q4, 'cassandra') <= maxOf(q2, 'cassandra'),
      'no growth in Kafka connections': maxOf(q4, 'kafka') <= maxOf(q2, 'kafka'),
      'no growth in AWS (SQS) connections': maxOf(q4, 'aws') <= Math.max(maxOf(q2, 'aws'), 1),
      'no growth in file descriptors': Math.max(...q4.map((s) => s.fds)) <= Math.max(...q2.map((s) => s.fds)) + 2,
    };
    const passed = Object.values(checks).every(Boolean);
    const report = {
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        memoryGB: Math.round(os.totalmem() / 1024 ** 3),
        node: process.version,
      },
      settings: {
        records: RECORDS,
        partitions: PARTITIONS,
        batchSize: BATCH_SIZE,
        producerWindow: WINDOW,
        sampleMs: SAMPLE_MS,
        memoryTolerance: MEMORY_TOLERANCE,
        memorySlackMB: mb(MEMORY_SLACK_BYTES),
        gcBeforeSample: gc !== undefined,
        services: { cassandra: endpoints.cassandra, kafka: endpoints.kafka, commitlogSync: process.env.CASSANDRA_COMMITLOG_SYNC },
      },
      elapsedS: Math.round(elapsedMs / 1000),
      recordsPerSecond10to90: rate,
      invocations,
      outcomes,
      rows: { expected: expected.count, actual: actual.count, checksumExpected: expected.value, checksumActual: actual.value },
      deadLetters: { expected: poisonExpected, distinct: dead.size },
      memoryMB: {
        rssQ2Median: mb(rssQ2),
        rssQ4Median: mb(rssQ4),
        rssMax: mb(Math.max(...samples.map((s) => s.rssBytes))),
        heapAfterGcQ2Median: mb(heapQ2),
        heapAfterGcQ4Median: mb(heapQ4),
      },
      connections: {
        cassandra: { q2Max: maxOf(q2, 'cassandra'), q4Max: maxOf(q4, 'cassandra') },
        kafka: { q2Max: maxOf(q2, 'kafka'), q4Max: maxOf(q4, 'kafka') },
        aws: { q2Max: maxOf(q2, 'aws'), q4Max: maxOf(q4, 'aws') },
      },
      checks,
      passed,
      warnings,
      samples: samples.map((s) => ({
        t: Math.round(s.atMs / 1000),
        committed: s.committed,
        rssMB: mb(s.rssBytes),
        heapMB: mb(s.heapUsedBytes),
        externalMB: mb(s.externalBytes),
        fds: s.fds,
        ...s.sockets,
      })),
    };
    mkdirSync(path.dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
    log(JSON.stringify({ ...report, samples: `${String(report.samples.length)} samples in the report` }, null, 2));
    log(`${passed ? 'PASSED' : 'FAILED'}; report in ${path.relative(process.cwd(), args.out)}`);
    return passed ? 0 : 1;
  } finally {
    await runtime?.close().catch(() => undefined);
    await withCassandra((client) => client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close().catch(() => undefined);
    if (queueUrl !== '') await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    sqs.destroy();
    await stopServices(started, log);
  }
}

process.exitCode = await main();
