import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSinkRuntime, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import type { KafkaBatchResponse } from '../../../lambdas/core/event/batch-response.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { cassandraService } from '../../../local/services/cassandra.js';
import { serviceState, startService, stopService } from '../../../local/services/process.js';
import { localAwsClientConfig, localCassandraClient, localCassandraCredentials, uniqueName } from '../../support/services.js';
import {
  createQueue,
  createSecret,
  deleteQueue,
  deleteSecrets,
  mskEventOf,
  receiveAll,
  uniqueTopic,
  useEmulatorEnvironment,
  type SentRecord,
} from './support.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';

/**
 * The real Cassandra stops while a batch is being written. This file stops
 * and restarts the shared local Cassandra (~10-20 s), so it holds this one
 * test; afterAll starts Cassandra again whatever happened.
 *
 * The runtime is NOT rebuilt after the restart: a warm Lambda container keeps
 * its client across a cluster outage, so the test checks that the same
 * driver client reconnects (reconnection policy: constant 1 s) and
 * re-prepares its statements on the restarted node, as production needs.
 */
useEmulatorEnvironment();
// Every record of the batch fails during the outage and each one is logged: keep the test output to errors.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secrets: string[] = [];
const keyspace = uniqueName('outageit');
const table = `${keyspace}.events`;
const topic = uniqueTopic('events-out');
let runtime: SinkRuntime | undefined;
let dlqUrl = '';

const T0 = 1_780_000_000_000;
const PARTITIONS = 3;
const PER_PARTITION = 300;
const batch: SentRecord[] = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => {
  const partition = i % PARTITIONS;
  const offset = 1_000 + Math.floor(i / PARTITIONS);
  return {
    topic,
    partition,
    offset,
    timestamp: T0 + offset,
    key: `${String(partition)}-${String(offset)}`,
    value: JSON.stringify({ p: partition, seq: offset, payload: `payload of ${String(partition)}@${String(offset)}` }),
  };
});

/** What the event source does with a partial batch response: the records at or after each reported offset come again. */
function redelivery(previous: readonly SentRecord[], response: KafkaBatchResponse): SentRecord[] {
  const from = new Map(response.batchItemFailures.map((failure) => [failure.itemIdentifier.partition, failure.itemIdentifier.offset]));
  return previous.filter((record) => {
    const offset = from.get(`${record.topic}-${String(record.partition)}`);
    return offset !== undefined && record.offset >= offset;
  });
}

async function withCassandra<T>(run: (client: cassandra.Client) => Promise<T>): Promise<T> {
  const client = localCassandraClient();
  try {
    await client.connect();
    return await run(client);
  } finally {
    await client.shutdown();
  }
}

beforeAll(async () => {
  await withCassandra(async (client) => {
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE ${table} (p int, seq bigint, payload text, PRIMARY KEY ((p), seq))`);
  });
  dlqUrl = await createQueue(sqs, 'kcs-it-dlq');
  const secretArn = await createSecret(sm, localCassandraCredentials, secrets);
  runtime = await createSinkRuntime(
    {
      SINK_CONFIG: localSinkConfigText(
        secretArn,
        {
          [topic]: {
            keyFormat: 'string',
            valueFormat: 'json',
            tables: { [table]: { mapping: 'p=value.p, seq=value.seq, payload=value.payload' } },
          },
        },
        // One statement per write and few in flight, so the batch is still being written when Cassandra goes away.
        { maxConcurrentRequests: 2, maxNumberOfRecordsInBatch: 1 },
      ),
      DLQ_URL: dlqUrl,
      AWS_REGION: process.env.AWS_REGION,
    },
    {
      retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 500 },
      cassandra: { clientOptions: { socketOptions: { connectTimeout: 1_000, readTimeout: 2_000 } } },
    },
  );
});

afterAll(async () => {
  // Whatever happened above, Cassandra runs again for the files after this one.
  if (serviceState('cassandra').state !== 'running') await startService(cassandraService);
  await runtime?.close();
  await withCassandra((client) => client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)).catch(() => undefined);
  await deleteQueue(sqs, dlqUrl);
  await deleteSecrets(sm, secrets);
  sqs.destroy();
  sm.destroy();
}, 240_000);

describe('Cassandra stopped mid-batch', () => {
  it('reports partial batch failures, dead-letters nothing, and after a restart the redelivered records are all written exactly once', async () => {
    if (runtime === undefined) throw new Error('no runtime');
    const handler = createSinkHandler(runtime, { stopWritesBeforeDeadlineMs: 2_000 });

    // The batch starts, and Cassandra is stopped while it is written.
    const started = Date.now();
    const invocation = handler(mskEventOf(batch), lambdaContext(10_000));
    const stopping = stopService('cassandra');
    const first = await invocation;
    const handledMs = Date.now() - started;
    await stopping;
    const stoppedMs = Date.now() - started;

    // Lowest failed offset per partition; every partition failed somewhere (none finished before the stop).
    expect(first.batchItemFailures.length).toBeGreaterThan(0);
    for (const failure of first.batchItemFailures) {
      expect(failure.itemIdentifier.partition).toMatch(new RegExp(`^${topic}-[0-${String(PARTITIONS - 1)}]$`));
      expect(failure.itemIdentifier.offset).toBeGreaterThanOrEqual(1_000);
      expect(failure.itemIdentifier.offset).toBeLessThan(1_000 + PER_PARTITION);
    }
    expect(new Set(first.batchItemFailures.map((f) => f.itemIdentifier.partition)).size).toBe(first.batchItemFailures.length);
    const firstRedelivery = redelivery(batch, first);
    console.log(
      `[outage] handler answered after ${String(handledMs)} ms with ${String(first.batchItemFailures.length)} partition(s) to retry ` +
        `(${String(firstRedelivery.length)} of ${String(batch.length)} records to redeliver); Cassandra stopped after ${String(stoppedMs)} ms`,
    );

    // A transient outage is never poison: nothing went to the DLQ.
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 1_000 })).toEqual([]);

    const restartStarted = Date.now();
    await startService(cassandraService);
    const restartMs = Date.now() - restartStarted;

    // What the response lets the event source commit was really written and survived the restart:
    // every record below a partition's reported offset (all of a partition not reported).
    const reported = new Map(first.batchItemFailures.map((f) => [f.itemIdentifier.partition, f.itemIdentifier.offset]));
    const committed = batch.filter(
      (record) => record.offset < (reported.get(`${topic}-${String(record.partition)}`) ?? Number.POSITIVE_INFINITY),
    );
    await withCassandra(async (client) => {
      const rows = await client.execute(`SELECT p, seq FROM ${table}`, [], { fetchSize: 5_000 });
      const present = new Set(rows.rows.map((row) => `${String(row.get('p'))}-${String(row.get('seq'))}`));
      expect(committed.filter((record) => !present.has(record.key ?? '')).map((record) => record.key)).toEqual([]);
    });

    // The event source redelivers from the reported offsets until the response is clean. The same
    // runtime (the warm container) must reconnect by itself; the first redelivery may still find its
    // driver reconnecting, which is just another partial batch response.
    let pending = firstRedelivery;
    let redeliveries = 0;
    const redeliverStarted = Date.now();
    while (pending.length > 0) {
      redeliveries += 1;
      expect(redeliveries, 'redeliveries before the client reconnected').toBeLessThanOrEqual(10);
      const response = await handler(mskEventOf(pending), lambdaContext(10_000));
      pending = redelivery(pending, response);
    }
    const redeliverMs = Date.now() - redeliverStarted;
    console.log(
      `[outage] Cassandra restarted in ${String(restartMs)} ms; ${String(redeliveries)} redelivery invocation(s) took ${String(redeliverMs)} ms`,
    );

    await withCassandra(async (client) => {
      const rows = await client.execute(`SELECT p, seq, payload, WRITETIME(payload) AS wt FROM ${table}`, [], { fetchSize: 5_000 });
      // Exactly one row per record: nothing lost, nothing doubled, each with its own content and write time.
      expect(rows.rowLength).toBe(batch.length);
      const seen = new Map(rows.rows.map((row) => [`${String(row.get('p'))}-${String(row.get('seq'))}`, row]));
      for (const record of batch) {
        const row = seen.get(record.key ?? '');
        expect(row?.get('payload'), record.key ?? '').toBe(`payload of ${String(record.partition)}@${String(record.offset)}`);
        expect(String(row?.get('wt'))).toBe(String(BigInt(record.timestamp) * 1000n));
      }
    });
    expect(await receiveAll(sqs, dlqUrl, 0, { timeoutMs: 1_000 })).toEqual([]);
  }, 240_000);
});
