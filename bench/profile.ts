/**
 * `npx tsx bench/profile.ts [json|avro] [records]` — the CPU-per-record loop of
 * the bench (handler over a session that does nothing) alone, to run under
 * `node --cpu-prof --import tsx bench/profile.ts`. Needs the local Cassandra
 * (the table schema and the prepared statements are read once from it).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SinkRuntime } from '../lambdas/composition/sink-runtime.js';
import { createCassandraSession } from '../lambdas/adapters/cassandra-session.js';
import { loadSinkConfig } from '../lambdas/core/config/load.js';
import type { SchemaRegistry } from '../lambdas/core/codecs/schema-registry.js';
import { createBatchRunner } from '../lambdas/core/batch/batch-runner.js';
import { createSinkEngine } from '../lambdas/core/batch/engine.js';
import { createSinkHandler } from '../lambdas/sink/create-handler.js';
import { lambdaContext, mskEvent } from './lib/events.js';
import { capturingSession, nullSession } from './lib/fake-session.js';
import { ORDER_AVRO_SCHEMA, avroValue, jsonValue, makeOrder } from './lib/records.js';
import { cassandraClient, createSchema, sinkConfig, useEmulatorEnvironment } from './lib/setup.js';

const format = process.argv[2] === 'avro' ? 'avro' : 'json';
const records = Number(process.argv[3] ?? 50_000);
useEmulatorEnvironment();
const registry: SchemaRegistry = { getSchema: () => Promise.resolve(JSON.stringify(ORDER_AVRO_SCHEMA)) };
const topics = { json: 'bench-profile-json', avro: 'bench-profile-avro', registryUrl: 'http://127.0.0.1:1' };
const config = loadSinkConfig(JSON.stringify(sinkConfig('arn:aws:secretsmanager:us-east-1:000000000000:secret:unused', topics)), 'bench');
const admin = cassandraClient();
await admin.connect();
await createSchema(admin);
const capture = capturingSession(createCassandraSession(admin));
await createSinkEngine({ config, session: capture.session, schemaRegistry: registry });
await admin.shutdown();
new SecretsManagerClient({}).destroy();

const engine = await createSinkEngine({ config, session: nullSession(capture.captured), schemaRegistry: registry });
const run = createBatchRunner({ engine, deadLetters: { send: () => Promise.reject(new Error('no dead letters expected')) } });
const handler = createSinkHandler({ config, engine, run } as unknown as SinkRuntime);
const messages = Array.from({ length: 10_000 }, (_, i) => {
  const order = makeOrder(i, 7);
  return {
    key: Buffer.from(order.order_id),
    value: format === 'json' ? jsonValue(order) : avroValue(order, 1),
    timestamp: Date.UTC(2026, 3, 1) + i,
  };
});
const events = Array.from({ length: 10 }, (_, i) =>
  mskEvent(format === 'json' ? topics.json : topics.avro, messages.slice(i * 1_000, (i + 1) * 1_000), 4, i * 1_000),
);
for (const event of events) await handler(event, lambdaContext());
const before = process.cpuUsage();
for (let done = 0; done < records; done += 10_000) for (const event of events) await handler(event, lambdaContext());
const used = process.cpuUsage(before);
process.stdout.write(`${format}: ${((used.user + used.system) / records).toFixed(2)} µs/record over ${String(records)} records\n`);
