/**
 * End-to-end fixtures: the demo config and schema under a unique keyspace and
 * topic, a unique dead-letter queue, the local credentials secret, and the
 * real runner (createSinkRuntime + createSinkHandler under the local poller).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteQueueCommand, ReceiveMessageCommand, SQSClient, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Admin } from '@platformatic/kafka';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll } from 'vitest';
import { parseDeadLetterMessage, type DeadLetterMessage } from '../../lambdas/core/dead-letter.js';
import { committedOffsets, ensureTopic } from '../../lambdas/adapters/kafka/index.js';
import {
  applyCqlScript,
  EXAMPLE_CONFIG,
  EXAMPLE_SCHEMA,
  ensureQueue,
  ensureSecret,
  LOCAL_NAMES,
  localAwsEnvironment,
  useLocalAws,
} from '../../local/runner/local-setup.js';
import { startSink, type RunningSink, type RunSinkOptions } from '../../local/runner/run.js';
import { endpoints, localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../support/services.js';

export { until } from '../support/services.js';

export const bootstrapServers = [endpoints.kafka];

export interface DemoTarget {
  readonly keyspace: string;
  readonly topic: string;
  readonly groupId: string;
  readonly dlqUrl: string;
  /** The example config with this keyspace and topic, and the local credentials secret. */
  readonly configFile: string;
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** The example config and schema, moved to a fresh keyspace and topic so tests never touch the demo's. */
export async function demoTarget(prefix: string): Promise<DemoTarget> {
  useLocalAws();
  const keyspace = uniqueName(prefix);
  const topic = keyspace.replaceAll('_', '-');
  const dir = mkdtempSync(path.join(tmpdir(), 'kcs-e2e-'));
  const schemaFile = path.join(dir, 'schema.cql');
  writeFileSync(
    schemaFile,
    readFileSync(EXAMPLE_SCHEMA, 'utf8').replaceAll('shop.', `${keyspace}.`).replace('EXISTS shop\n', `EXISTS ${keyspace}\n`),
  );
  await applyCqlScript(schemaFile);
  await ensureTopic(bootstrapServers, topic, 3);
  const dlqUrl = await ensureQueue(`${topic}-dlq`);
  const secretArn = await ensureSecret(LOCAL_NAMES.secret, { ...localCassandraCredentials });
  const configText = readFileSync(EXAMPLE_CONFIG, 'utf8')
    .replaceAll('shop.', `${keyspace}.`)
    .replace(/^ {2}orders:$/m, `  ${topic}:`)
    .replace('127.0.0.1:9042', endpoints.cassandra)
    .replace('localDataCenter: datacenter1', `localDataCenter: datacenter1\n  credentialsSecretArn: ${secretArn}`);
  const configFile = path.join(dir, 'sink.yaml');
  writeFileSync(configFile, configText);
  return {
    keyspace,
    topic,
    groupId: `${topic}-group`,
    dlqUrl,
    configFile,
    env: { ...localAwsEnvironment, SINK_CONFIG_FILE: configFile, DLQ_URL: dlqUrl },
    cleanup: async () => {
      const sqs = new SQSClient(localAwsClientConfig);
      await sqs.send(new DeleteQueueCommand({ QueueUrl: dlqUrl })).catch(() => undefined);
      sqs.destroy();
      const admin = new Admin({ clientId: 'e2e-cleanup', bootstrapBrokers: bootstrapServers });
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.close().catch(() => undefined);
      const cql = localCassandraClient();
      await cql.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await cql.shutdown();
    },
  };
}

/** The runner as `npm start` runs it, with test-friendly ESM settings. */
export function startRunner(target: DemoTarget, options: Partial<RunSinkOptions> = {}): Promise<RunningSink> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return startSink({
    env: target.env,
    bootstrapServers,
    groupId: target.groupId,
    warn: () => undefined,
    ...options,
    poller: {
      batchSize: 100,
      maximumBatchingWindowMs: 100,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 6000,
      timeoutMs: 20_000,
      retryBackoff: { initialMs: 100, maxMs: 500 },
      ...options.poller,
    },
  });
}

/** Sum of the group's committed offsets on the topic (= records processed, the topic being fresh). */
export async function committedTotal(target: DemoTarget): Promise<bigint> {
  const offsets = await committedOffsets(bootstrapServers, target.groupId, target.topic);
  return [...offsets.values()].reduce((a, b) => a + b, 0n);
}

/** Reads (and deletes) every message of the queue. */
export async function drainDeadLetters(queueUrl: string): Promise<DeadLetterMessage[]> {
  const sqs = new SQSClient(localAwsClientConfig);
  const letters: DeadLetterMessage[] = [];
  try {
    for (let empty = 0; empty < 2;) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const messages = received.Messages ?? [];
      if (messages.length === 0) {
        empty++;
        continue;
      }
      for (const m of messages) letters.push(parseDeadLetterMessage(m.Body ?? ''));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  } finally {
    sqs.destroy();
  }
  return letters;
}

/** What a demo e2e file uses: a Cassandra client, and demo targets and runners that are cleaned up after the file. */
export interface DemoSession {
  /** The Cassandra client (connected in beforeAll). */
  readonly cql: () => cassandra.Client;
  readonly target: (prefix: string) => Promise<DemoTarget>;
  readonly runner: (target: DemoTarget, options?: Partial<RunSinkOptions>) => Promise<RunningSink>;
}

/** Registers this file's beforeAll/afterAll: every runner is stopped and every target cleaned up at the end. */
export function useDemoSession(): DemoSession {
  let client: cassandra.Client | undefined;
  const targets: DemoTarget[] = [];
  const running: RunningSink[] = [];
  beforeAll(() => {
    client = localCassandraClient();
  });
  afterAll(async () => {
    for (const sink of running) await sink.stop().catch(() => undefined);
    for (const target of targets) await target.cleanup();
    await client?.shutdown();
  });
  return {
    cql: () => client ?? fail('the Cassandra client is connected in beforeAll'),
    target: async (prefix) => {
      const target = await demoTarget(prefix);
      targets.push(target);
      return target;
    },
    runner: async (target, options = {}) => {
      const sink = await startRunner(target, options);
      running.push(sink);
      return sink;
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}
