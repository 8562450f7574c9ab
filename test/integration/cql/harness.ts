import cassandra from 'cassandra-driver';
import { createCassandraSession } from '../../../lambdas/adapters/cassandra-session.js';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import type { SinkConfigInput } from '../../../lambdas/core/config/schema.js';
import { CQL_DRIVER_ENCODING } from '../../../lambdas/core/cql/convert.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { createSinkEngine, type SinkEngine } from '../../../lambdas/core/batch/engine.js';
import { localCassandraClient, uniqueName } from '../../support/services.js';
import { kafkaRecord, localSinkConfig } from '../../kit/index.js';

/**
 * One client for a test file, with the encoding the sink needs, and a
 * keyspace of its own (SimpleStrategy, RF 1) dropped at the end.
 */
export interface CqlHarness {
  readonly client: cassandra.Client;
  readonly keyspace: string;
  /** Runs DDL/queries with the keyspace as `ks` (replaces the word `ks.`). */
  cql(text: string, params?: unknown[]): Promise<cassandra.types.ResultSet>;
  engine(topics: SinkConfigInput['topics'], writer?: SinkConfigInput['writer']): Promise<SinkEngine>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<CqlHarness> {
  const client = localCassandraClient({ encoding: CQL_DRIVER_ENCODING });
  await client.connect();
  const keyspace = uniqueName('cqlit');
  await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  const session = createCassandraSession(client);
  return {
    client,
    keyspace,
    cql: (text, params = []) => client.execute(text.replaceAll('ks.', `${keyspace}.`), params, { prepare: params.length > 0 }),
    engine: (topics, writer) =>
      createSinkEngine({
        session,
        config: parseSinkConfig(
          localSinkConfig({
            ...(writer === undefined ? {} : { writer }),
            topics: JSON.parse(JSON.stringify(topics).replaceAll('ks.', `${keyspace}.`)) as SinkConfigInput['topics'],
          }),
        ),
      }),
    async close() {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    },
  };
}

let offset = 0;

/** A Kafka record with a JSON value (null for a tombstone) and a string key. */
export function record(
  topic: string,
  key: string | null,
  value: unknown,
  options: { timestamp?: number; headers?: Record<string, string> } = {},
): KafkaRecord {
  return kafkaRecord({
    topic,
    offset: String(offset++),
    timestamp: options.timestamp ?? 1_760_000_000_123,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(JSON.stringify(value)),
    headers: Object.entries(options.headers ?? {}).map(([name, text]) => ({ name, value: Buffer.from(text) })),
  });
}
