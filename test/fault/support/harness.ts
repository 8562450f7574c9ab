/**
 * The fault-injection harness: the sink as it runs in production, wired on
 * this machine — the real Kafka (the fault suite's own broker), the local
 * event-source poller (ESM semantics: batches, commits after success, partial
 * batch responses, retries), the real sink runtime and handler, the real
 * Cassandra and the emulator's SQS dead-letter queue. Nothing is faked; the
 * faults are real process kills, restarts and deadlines.
 *
 * A run produces records whose every field is known (key = id, explicit
 * timestamps, some poison by design), runs the sink through a fault, waits
 * until the consumer group has committed every offset, and then checks that
 * every record in the topic is either a row in Cassandra with exactly its
 * content and its write time, or a dead letter in the queue.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Admin, Consumer, ListOffsetTimestamps, Producer } from '@platformatic/kafka';
import cassandra from 'cassandra-driver';
import { createSinkRuntime, type SinkRuntime, type SinkRuntimeOptions } from '../../../lambdas/composition/sink-runtime.js';
import type { SinkConfigInput } from '../../../lambdas/core/config/schema.js';
import type { RetryPolicy } from '../../../lambdas/core/batch/batch-runner.js';
import { countOutcomes, noOutcomes, type OutcomeCounts, type RecordOutcome } from '../../../lambdas/core/outcome.js';
import type { SinkHandlerOptions } from '../../../lambdas/sink/create-handler.js';
import type { InvocationReport, Poller, PollerOptions } from '../../../local/poller/index.js';
import { startSink as startLocalSink } from '../../../local/runner/run.js';
import { localAwsClientConfig, localSinkConfig, uniqueName, until, withCassandra } from '../../../local/services/fixtures.js';
import { endpoints, localCassandraClient as cassandraClient, localCassandraCredentials } from '../../../local/services/index.js';
import { serviceState } from '../../../local/services/process.js';

/** The SDK clients inside the runtime read the emulator endpoint, region and (dummy) keys from the process environment. */
export function useFaultEnvironment(): void {
  if (process.env.KCS_FAULT_SUITE !== '1') {
    throw new Error('the fault suite runs on its own services: use `npm run test:fault` (it sets KCS_FAULT_SUITE=1 and the ports)');
  }
  process.env.AWS_ENDPOINT_URL = endpoints.aws;
  process.env.AWS_REGION = endpoints.awsRegion;
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  // Faults make every record of a batch fail at times; the report below says what happened.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // The per-batch EMF metric lines would drown the test output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}

/** The emulator's client settings, unique names, waiting and a Cassandra client live in local/services/fixtures.ts (the soak run uses them too). */
export const awsClientConfig = localAwsClientConfig;
export { uniqueName, until, withCassandra };

/**
 * SIGKILL to the service's whole process group: no shutdown hook, no flush.
 * Resolves once the process is gone (its pid file is then cleared by
 * serviceState, so startService launches it afresh).
 */
export async function killService(name: string): Promise<void> {
  const state = serviceState(name);
  if (state.state !== 'running') throw new Error(`${name} is not running`);
  process.kill(-state.pid, 'SIGKILL');
  await until(`${name} (pid ${String(state.pid)}) to die`, () => serviceState(name).state === 'stopped', 10_000, 50);
}

// ------------------------------------------------------------------ records

/** good: a row; bad-json: a value that is not JSON; bad-seq: `seq` not a bigint. Both bad kinds are poison. */
export type RecordKind = 'good' | 'bad-json' | 'bad-seq';

export interface RecordSpec {
  readonly partition: number;
  readonly kind: RecordKind;
}

export interface ProducedRecord {
  readonly id: string;
  readonly partition: number;
  readonly kind: RecordKind;
  /** Kafka timestamp, ms: the write time of its row (µs) must equal it × 1000. */
  readonly timestamp: number;
  readonly seq: number;
  readonly payload: string;
  readonly value: string;
}

/** A record as Kafka holds it (the truth the checks are made against). */
export interface KafkaTruth {
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key: string;
  readonly value: string;
}

// ------------------------------------------------------------------ the fixture

export interface FixtureOptions {
  readonly name: string;
  readonly partitions: number;
  /** The sink's writer settings (concurrency, batch size). */
  readonly writer?: SinkConfigInput['writer'];
}

export interface SinkOptions {
  readonly poller?: Partial<Omit<PollerOptions, 'bootstrapServers' | 'topics' | 'groupId' | 'handler'>>;
  readonly handler?: SinkHandlerOptions;
  readonly retry?: RetryPolicy;
  readonly runtime?: Omit<SinkRuntimeOptions, 'retry'>;
  /** The sink config's mapping of the table (default: the right one) and brake settings. */
  readonly config?: SinkConfigOverrides;
}

export interface SinkConfigOverrides {
  readonly mapping?: string;
  readonly brake?: SinkConfigInput['brake'];
}

/** What the sink did, counted where the handler sees it and where the poller does. */
export interface SinkTally {
  readonly outcomes: OutcomeCounts;
  /** Failed outcomes by kind of error (name and message without record locations and numbers). */
  readonly failureReasons: Map<string, number>;
  /** The first full error message of each kind. */
  readonly failureExamples: Map<string, string>;
  readonly invocations: InvocationReport[];
  /** When each invocation ended and each commit was made (epoch ms). */
  readonly invocationEndedAt: number[];
  readonly commitAt: number[];
  readonly warnings: string[];
  readonly fatal: string[];
  readonly commits: Map<number, bigint>;
}

export interface RunningSink {
  readonly poller: Poller;
  readonly runtime: SinkRuntime;
  readonly tally: SinkTally;
  stop(): Promise<void>;
}

const CONTENT_MAPPING = 'id=key, seq=value.seq, payload=value.payload';

export class FaultFixture {
  readonly keyspace: string;
  readonly table: string;
  readonly topic: string;
  readonly groupId: string;
  readonly queueName: string;
  readonly produced: ProducedRecord[] = [];
  /** Dead-letter messages taken off the queue so far (received and deleted), as parsed JSON. */
  readonly deadLetters: DeadLetterMessage[] = [];
  readonly sqs = new SQSClient(awsClientConfig);
  private readonly admin = new Admin({ clientId: 'fault-admin', bootstrapBrokers: [endpoints.kafka] });
  private readonly producer = new Producer({
    clientId: 'fault-producer',
    bootstrapBrokers: [endpoints.kafka],
    idempotent: true,
    retries: 20,
  });
  private readonly sinks: RunningSink[] = [];
  private queueUrlValue = '';
  private secretArn = '';
  private sequence = 0;
  private readonly t0 = Date.now() - 60_000;

  constructor(readonly options: FixtureOptions) {
    this.keyspace = uniqueName(`fault_${options.name}`);
    this.table = `${this.keyspace}.events`;
    this.topic = uniqueName(`fault-${options.name}`).replaceAll('_', '-');
    this.groupId = uniqueName(`fault-group-${options.name}`);
    this.queueName = uniqueName(`fault-dlq-${options.name}`);
  }

  get queueUrl(): string {
    return this.queueUrlValue;
  }

  async setUp(): Promise<void> {
    await withCassandra(async (client) => {
      await client.execute(`CREATE KEYSPACE ${this.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await client.execute(`CREATE TABLE ${this.table} (id text PRIMARY KEY, seq bigint, payload text)`);
    });
    await this.admin.createTopics({ topics: [this.topic], partitions: this.options.partitions, replicas: 1 });
    await until(
      `topic ${this.topic} to have leaders`,
      async () => {
        const metadata = await this.admin.metadata({ topics: [this.topic] });
        const described = metadata.topics.get(this.topic);
        return described?.partitionsCount === this.options.partitions && described.partitions.every((p) => p.leader >= 0);
      },
      30_000,
    );
    await this.createQueue();
    const sm = new SecretsManagerClient(awsClientConfig);
    try {
      const out = await sm.send(
        new CreateSecretCommand({ Name: uniqueName('fault-cassandra'), SecretString: JSON.stringify(localCassandraCredentials) }),
      );
      this.secretArn = out.ARN ?? '';
    } finally {
      sm.destroy();
    }
  }

  /** Creates the dead-letter queue; again after an emulator restart (moto keeps state in memory), under the same name and so the same URL. */
  async createQueue(): Promise<void> {
    const out = await this.sqs.send(new CreateQueueCommand({ QueueName: this.queueName, Attributes: { VisibilityTimeout: '300' } }));
    if (out.QueueUrl === undefined) throw new Error('CreateQueue returned no URL');
    if (this.queueUrlValue !== '' && out.QueueUrl !== this.queueUrlValue)
      throw new Error(`queue URL changed: ${this.queueUrlValue} → ${out.QueueUrl}`);
    this.queueUrlValue = out.QueueUrl;
  }

  sinkEnvironment(overrides: SinkConfigOverrides = {}): Record<string, string | undefined> {
    const config = localSinkConfig({
      credentialsSecretArn: this.secretArn,
      ...(this.options.writer === undefined ? {} : { writer: this.options.writer }),
      ...(overrides.brake === undefined ? {} : { brake: overrides.brake }),
      topics: {
        [this.topic]: {
          keyFormat: 'string',
          valueFormat: 'json',
          tables: { [this.table]: { mapping: overrides.mapping ?? CONTENT_MAPPING } },
        },
      },
    });
    return { SINK_CONFIG: JSON.stringify(config), DLQ_URL: this.queueUrlValue, AWS_REGION: endpoints.awsRegion };
  }

  /** Produces the records (in order per partition); returns them. */
  async produce(specs: readonly RecordSpec[]): Promise<ProducedRecord[]> {
    const records = specs.map((spec): ProducedRecord => {
      const n = this.sequence++;
      const id = `${this.options.name}-${String(n).padStart(7, '0')}`;
      const payload = `payload ${String(n)} ${randomBytes(6).toString('hex')}`;
      const value =
        spec.kind === 'good'
          ? JSON.stringify({ seq: n, payload })
          : spec.kind === 'bad-seq'
            ? JSON.stringify({ seq: `not a number ${String(n)}`, payload })
            : `{not json ${String(n)}`;
      return { id, partition: spec.partition, kind: spec.kind, timestamp: this.t0 + n, seq: n, payload, value };
    });
    for (let i = 0; i < records.length; i += 2_000) {
      await this.producer.send({
        messages: records.slice(i, i + 2_000).map((r) => ({
          topic: this.topic,
          partition: r.partition,
          key: Buffer.from(r.id),
          value: Buffer.from(r.value),
          timestamp: BigInt(r.timestamp),
        })),
      });
    }
    this.produced.push(...records);
    return records;
  }

  /** Starts the poller → handler → runtime pipeline, as the local runner would, with a tally of what happens. */
  async startSink(options: SinkOptions = {}): Promise<RunningSink> {
    const runtime = await createSinkRuntime(this.sinkEnvironment(options.config), {
      retry: options.retry ?? { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 500 },
      cassandra: { clientOptions: { socketOptions: { connectTimeout: 1_000, readTimeout: 3_000 } } },
      ...options.runtime,
    });
    const tally: SinkTally = {
      outcomes: noOutcomes(),
      failureReasons: new Map(),
      failureExamples: new Map(),
      invocations: [],
      invocationEndedAt: [],
      commitAt: [],
      warnings: [],
      fatal: [],
      commits: new Map(),
    };
    const counted: SinkRuntime = {
      ...runtime,
      run: async (records, runOptions) => {
        const outcomes: RecordOutcome[] = await runtime.run(records, runOptions);
        countOutcomes(outcomes, tally.outcomes);
        for (const outcome of outcomes) {
          if (outcome.status === 'failed') {
            // Grouped by kind of failure: the record's location and numbers taken out.
            const reason = `${outcome.error.name}: ${outcome.error.message
              .replace(/\S*@\d+\S*/g, '<record>')
              .replace(/\d+/g, 'N')
              .slice(0, 120)}`;
            tally.failureReasons.set(reason, (tally.failureReasons.get(reason) ?? 0) + 1);
            if (!tally.failureExamples.has(reason)) tally.failureExamples.set(reason, outcome.error.message.slice(0, 600));
          }
        }
        return outcomes;
      },
    };
    // Started through the local runner's entry, as `npm start`, the soak and the bench start it; the tally's listeners attach before the poller starts.
    const running = await startLocalSink({
      runtime: counted,
      handler: options.handler ?? { stopWritesBeforeDeadlineMs: 2_000 },
      bootstrapServers: [endpoints.kafka],
      topics: [this.topic],
      groupId: this.groupId,
      // The tally below keeps warnings and fatal errors; describeRun reports them.
      warn: () => undefined,
      poller: {
        batchSize: 500,
        maximumBatchingWindowMs: 100,
        timeoutMs: 10_000,
        retryBackoff: { initialMs: 200, maxMs: 2_000 },
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 6_000,
        statsIntervalMs: 0,
        stopGraceMs: 15_000,
        ...options.poller,
      },
      observe: (poller) => {
        poller.events.on('invocation', (report) => {
          tally.invocations.push(report);
          tally.invocationEndedAt.push(Date.now());
        });
        poller.events.on('commit', ({ partition, offset }) => {
          tally.commitAt.push(Date.now());
          const previous = tally.commits.get(partition);
          if (previous === undefined || offset > previous) tally.commits.set(partition, offset);
        });
        poller.events.on('warning', (error) => tally.warnings.push(error.message));
        poller.events.on('fatal', (error) => tally.fatal.push(error.message));
      },
    });
    const { poller } = running;
    const sink: RunningSink = {
      poller,
      runtime,
      tally,
      stop: async () => {
        await running.stop();
        await runtime.close();
      },
    };
    this.sinks.push(sink);
    return sink;
  }

  /** Records produced per partition (the fresh topic's offsets run 0..n-1 with the idempotent producer). */
  producedPerPartition(): Map<number, bigint> {
    const counts = new Map<number, bigint>();
    for (const r of this.produced) counts.set(r.partition, (counts.get(r.partition) ?? 0n) + 1n);
    return counts;
  }

  /** Resolves once the sink has committed every partition up to what was produced. */
  async waitAllCommitted(sink: RunningSink, timeoutMs: number): Promise<void> {
    const target = this.producedPerPartition();
    try {
      await until(
        'every partition committed to its end',
        () => [...target].every(([partition, end]) => (sink.tally.commits.get(partition) ?? -1n) >= end),
        timeoutMs,
      );
    } catch (error) {
      const stats = sink.poller.stats();
      const state = {
        target: Object.fromEntries([...target].map(([p, end]) => [p, String(end)])),
        commits: Object.fromEntries([...sink.tally.commits].map(([p, offset]) => [p, String(offset)])),
        running: stats.running,
        buffered: stats.buffered,
        inFlight: stats.inFlight,
        invocations: stats.invocations,
        lastInvocations: sink.tally.invocations.slice(-3),
        warnings: sink.tally.warnings.slice(-5),
        fatal: sink.tally.fatal,
      };
      throw new Error(`${error instanceof Error ? error.message : String(error)}; sink state: ${JSON.stringify(state)}`, { cause: error });
    }
  }

  /** Records committed so far over all partitions. */
  committedCount(sink: RunningSink): number {
    let n = 0n;
    for (const offset of sink.tally.commits.values()) n += offset;
    return Number(n);
  }

  /** Takes every message now in the dead-letter queue off it (receive, then delete), adding them to `deadLetters`. */
  async drainDeadLetters(options: { expectAtLeast?: number; timeoutMs?: number } = {}): Promise<number> {
    const before = this.deadLetters.length;
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrlValue, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const got = out.Messages ?? [];
      for (const message of got) this.deadLetters.push(JSON.parse(message.Body ?? 'null') as DeadLetterMessage);
      if (got.length > 0) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.queueUrlValue,
            Entries: got.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
          }),
        );
        continue;
      }
      if (this.deadLetters.length - before >= (options.expectAtLeast ?? 0) || Date.now() > deadline) break;
    }
    return this.deadLetters.length - before;
  }

  /** Every record in the topic, read back from Kafka with a throwaway consumer. */
  async readTopic(timeoutMs = 30_000): Promise<KafkaTruth[]> {
    const consumer = new Consumer({
      groupId: uniqueName('fault-truth'),
      clientId: 'fault-truth',
      bootstrapBrokers: [endpoints.kafka],
      maxWaitTime: 200,
    });
    try {
      const ends = await consumer.listOffsets({ topics: [this.topic], timestamp: ListOffsetTimestamps.LATEST });
      const total = (ends.get(this.topic) ?? []).reduce((n, end) => n + end, 0n);
      const out: KafkaTruth[] = [];
      const stream = await consumer.consume({ topics: [this.topic], mode: 'earliest', autocommit: false });
      try {
        const deadline = Date.now() + timeoutMs;
        for await (const message of stream) {
          out.push({
            partition: message.partition,
            offset: message.offset,
            timestamp: message.timestamp,
            key: message.key.toString('utf8'),
            value: message.value.toString('utf8'),
          });
          if (BigInt(out.length) >= total) break;
          if (Date.now() > deadline)
            throw new Error(`read ${String(out.length)} of ${String(total)} records back from ${this.topic} in ${String(timeoutMs)} ms`);
        }
      } finally {
        await stream.close();
      }
      return out;
    } finally {
      await consumer.close(true);
    }
  }

  async tearDown(): Promise<void> {
    for (const sink of this.sinks) await sink.stop().catch(() => undefined);
    await this.producer.close().catch(() => undefined);
    await this.admin.deleteTopics({ topics: [this.topic] }).catch(() => undefined);
    await this.admin.close().catch(() => undefined);
    await withCassandra((client) => client.execute(`DROP KEYSPACE IF EXISTS ${this.keyspace}`)).catch(() => undefined);
    this.sqs.destroy();
  }

  /** The end-state check: see `Verification`. */
  async verify(): Promise<Verification> {
    const truth = await this.readTopic();
    const byId = new Map(this.produced.map((r) => [r.id, r]));
    const rows = await withCassandra(async (client) => {
      const out: Row[] = [];
      const result = await client.execute(
        `SELECT id, seq, payload, WRITETIME(seq) AS wt_seq, WRITETIME(payload) AS wt_payload FROM ${this.table}`,
        [],
        {
          prepare: true,
          fetchSize: 5_000,
          consistency: cassandra.types.consistencies.one,
        },
      );
      for await (const row of result) {
        out.push({
          id: String(row.get('id')),
          seq: String(row.get('seq')),
          payload: String(row.get('payload')),
          wtSeq: String(row.get('wt_seq')),
          wtPayload: String(row.get('wt_payload')),
        });
      }
      return out;
    });
    return verifyEndState(truth, byId, rows, this.deadLetters, this.topic);
  }
}

// ------------------------------------------------------------------ the end-state check

interface Row {
  readonly id: string;
  readonly seq: string;
  readonly payload: string;
  readonly wtSeq: string;
  readonly wtPayload: string;
}

/** The parts of a dead-letter message (lambdas/core/dead-letter.ts) the check reads. */
export interface DeadLetterMessage {
  readonly type: string;
  readonly record: { topic: string; partition: number; offset: string; timestamp: number; key: string | null; value: string | null };
  readonly error: { kind: string; message: string };
}

export interface Verification {
  /** Records in the topic (read back from Kafka). */
  readonly records: number;
  readonly expectedRows: number;
  readonly rows: number;
  /** sha256 over the sorted `id|seq|payload|writetime(seq)|writetime(payload)` lines, expected (from Kafka) and actual (from Cassandra). */
  readonly expectedChecksum: string;
  readonly checksum: string;
  readonly expectedDeadLetters: number;
  /** Distinct topic/partition/offset among the dead letters. */
  readonly deadLettered: number;
  /** Dead-letter messages beyond the first for a record (at-least-once: allowed, but each copy must be the same record). */
  readonly duplicateDeadLetters: number;
  /** Everything wrong, one line each; empty when the end state is right. */
  readonly problems: string[];
}

function sha256(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of [...lines].sort()) hash.update(`${line}\n`);
  return hash.digest('hex');
}

/**
 * Every record in the topic is exactly one of: a good record with its row in
 * Cassandra (same id, seq and payload, and both cells written at the record's
 * Kafka timestamp — so any rewrite was identical), or a poison record with a
 * dead letter naming its topic, partition and offset and carrying its key and
 * value. No row and no dead letter that is not such a record.
 */
export function verifyEndState(
  truth: readonly KafkaTruth[],
  produced: ReadonlyMap<string, ProducedRecord>,
  rows: readonly Row[],
  deadLetters: readonly DeadLetterMessage[],
  topic: string,
): Verification {
  const problems: string[] = [];
  const expectedLines: string[] = [];
  const poison = new Map<string, KafkaTruth>();
  const seenIds = new Set<string>();
  for (const record of truth) {
    const spec = produced.get(record.key);
    if (spec === undefined) {
      problems.push(
        `topic holds a record this run did not produce: key ${record.key} at ${String(record.partition)}/${String(record.offset)}`,
      );
      continue;
    }
    if (seenIds.has(record.key))
      problems.push(`the producer wrote ${record.key} twice (at ${String(record.partition)}/${String(record.offset)})`);
    seenIds.add(record.key);
    if (record.value !== spec.value || BigInt(spec.timestamp) !== record.timestamp)
      problems.push(`Kafka holds other content for ${record.key} than was produced`);
    if (spec.kind === 'good') {
      const wt = String(BigInt(spec.timestamp) * 1000n);
      expectedLines.push(`${spec.id}|${String(spec.seq)}|${spec.payload}|${wt}|${wt}`);
    } else {
      poison.set(`${String(record.partition)}/${String(record.offset)}`, record);
    }
  }
  if (seenIds.size !== produced.size) problems.push(`${String(produced.size - seenIds.size)} produced records are not in the topic`);

  const actualLines = rows.map((row) => `${row.id}|${row.seq}|${row.payload}|${row.wtSeq}|${row.wtPayload}`);
  const expectedSet = new Set(expectedLines);
  const actualSet = new Set(actualLines);
  const missing = expectedLines.filter((line) => !actualSet.has(line));
  const unexpected = actualLines.filter((line) => !expectedSet.has(line));
  if (missing.length > 0)
    problems.push(`${String(missing.length)} rows missing or different in Cassandra, e.g. expected ${missing.slice(0, 3).join(' ; ')}`);
  if (unexpected.length > 0)
    problems.push(
      `${String(unexpected.length)} rows in Cassandra that no good record explains, e.g. ${unexpected.slice(0, 3).join(' ; ')}`,
    );

  const letters = new Map<string, DeadLetterMessage>();
  let duplicates = 0;
  for (const letter of deadLetters) {
    if (letter.type !== 'kafka-cql-sink.dead-letter') {
      problems.push(`a DLQ message of type ${letter.type}`);
      continue;
    }
    const where = `${String(letter.record.partition)}/${letter.record.offset}`;
    if (letter.record.topic !== topic) problems.push(`a dead letter for topic ${letter.record.topic}`);
    const record = poison.get(where);
    if (record === undefined) {
      problems.push(`a dead letter for ${where}, which is not a poison record`);
      continue;
    }
    const key = letter.record.key === null ? null : Buffer.from(letter.record.key, 'base64').toString('utf8');
    const value = letter.record.value === null ? null : Buffer.from(letter.record.value, 'base64').toString('utf8');
    if (key !== record.key || value !== record.value || BigInt(letter.record.timestamp) !== record.timestamp) {
      problems.push(`the dead letter for ${where} does not carry the record's key, value and timestamp`);
    }
    if (letter.error.kind !== 'poison') problems.push(`the dead letter for ${where} has error kind ${letter.error.kind}`);
    if (letters.has(where)) duplicates++;
    else letters.set(where, letter);
  }
  const notDeadLettered = [...poison.keys()].filter((where) => !letters.has(where));
  if (notDeadLettered.length > 0)
    problems.push(`${String(notDeadLettered.length)} poison records not in the DLQ: ${notDeadLettered.slice(0, 10).join(', ')}`);

  return {
    records: truth.length,
    expectedRows: expectedLines.length,
    rows: rows.length,
    expectedChecksum: sha256(expectedLines),
    checksum: sha256(actualLines),
    expectedDeadLetters: poison.size,
    deadLettered: letters.size,
    duplicateDeadLetters: duplicates,
    problems,
  };
}

/** One line for the test output: what the sink went through and the end state. */
export function describeRun(name: string, sink: RunningSink, verification: Verification, extra: Record<string, unknown> = {}): string {
  const { tally } = sink;
  const outcomes = { success: 0, partial: 0, failure: 0 };
  for (const report of tally.invocations) outcomes[report.outcome]++;
  const stats = sink.poller.stats();
  return `[fault:${name}] ${JSON.stringify({
    ...extra,
    records: verification.records,
    rows: verification.rows,
    deadLettered: verification.deadLettered,
    duplicateDeadLetters: verification.duplicateDeadLetters,
    checksum: verification.checksum.slice(0, 16),
    invocations: outcomes,
    timedOut: stats.timedOutInvocations,
    delivered: stats.recordsDelivered,
    outcomes: tally.outcomes,
    failureReasons: Object.fromEntries(tally.failureReasons),
    failureExamples: [...tally.failureExamples.values()],
    warnings: tally.warnings.length,
    fatal: tally.fatal,
  })}`;
}

export { cassandraClient };
