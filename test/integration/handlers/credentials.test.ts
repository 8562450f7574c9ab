import { inspect } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observability } from '../../../lambdas/adapters/observability.js';
import { createSinkRuntime, type SinkEnvironment, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { captureOutput } from '../../support/capture-output.js';
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
} from './support.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';

/**
 * The sink reads its Cassandra credentials from the emulator's Secrets
 * Manager, and the password never shows in a log line, an error or a dead
 * letter. The local superuser's password is "cassandra", a word that is in
 * many log lines for other reasons (the profile, the driver), so the leak
 * check uses a role of its own whose password is unique to this run: finding
 * it anywhere cannot be a coincidence. The cassandra/cassandra secret is
 * used for the set-up and by the other handler tests.
 */
// As verbose as the logger gets: debug lines must not leak either.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secrets: string[] = [];
const keyspace = uniqueName('credsit');
const table = `${keyspace}.items`;
const topic = uniqueTopic('items-cred');
const role = uniqueName('kcs_writer');
const password = `Pw-${uniqueName('s3cr3t')}-${Math.random().toString(36).slice(2)}`;
const wrongPassword = `Wrong-${uniqueName('pw')}-${Math.random().toString(36).slice(2)}`;
let admin: cassandra.Client;
let dlqUrl = '';
const runtimes: SinkRuntime[] = [];

function environment(secretArn: string): SinkEnvironment {
  return {
    SINK_CONFIG: localSinkConfigText(secretArn, {
      [topic]: { keyFormat: 'string', valueFormat: 'json', tables: { [table]: { mapping: 'id=key, qty=value.qty' } } },
    }),
    DLQ_URL: dlqUrl,
    AWS_REGION: process.env.AWS_REGION,
  };
}

/** The runtime logs through the handler's Powertools logger, as lambdas/sink/handler.ts wires it. */
const runtimeLog = (message: string, fields?: Record<string, unknown>): void => {
  observability().logger.info(message, fields ?? {});
};

beforeAll(async () => {
  admin = localCassandraClient();
  await admin.connect();
  await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE TABLE ${table} (id text PRIMARY KEY, qty int)`);
  await admin.execute(`CREATE ROLE ${role} WITH PASSWORD = '${password}' AND LOGIN = true`);
  // The local Cassandra runs AllowAllAuthorizer: a login role needs no grants.
  dlqUrl = await createQueue(sqs, 'kcs-it-dlq');
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.close();
  await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await admin.execute(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.shutdown();
  await deleteQueue(sqs, dlqUrl);
  await deleteSecrets(sm, secrets);
  sqs.destroy();
  sm.destroy();
});

describe('Cassandra credentials from Secrets Manager', () => {
  it('the local superuser secret (cassandra/cassandra) connects the runtime', async () => {
    const runtime = await createSinkRuntime(environment(await createSecret(sm, localCassandraCredentials, secrets)), { log: runtimeLog });
    runtimes.push(runtime);
    expect(runtime.engine.tables).toEqual([table]);
  });

  it('a wrong password fails the init with a ConfigError that names the secret, not the password', async () => {
    const arn = await createSecret(sm, { username: role, password: wrongPassword }, secrets);
    const { error, lines } = await captureOutput(() => createSinkRuntime(environment(arn), { log: runtimeLog }));
    expect(error).toBeInstanceOf(ConfigError);
    const message = error instanceof Error ? error.message : '';
    expect(message).toMatch(/authentication .* failed/);
    expect(message).toContain(arn);
    // Not in the message, nor anywhere in the error with its cause chain, nor in any output line.
    expect(message).not.toContain(wrongPassword);
    expect(inspect(error, { depth: 10 })).not.toContain(wrongPassword);
    expect(lines.filter((line) => line.includes(wrongPassword))).toEqual([]);
    expect(lines.some((line) => line.includes('authentication failed; reading the credentials again'))).toBe(true);
  });

  it('runtime creation and a batch with a poison record log nothing that contains the password', async () => {
    const arn = await createSecret(sm, { username: role, password }, secrets);
    const {
      result: response,
      error,
      lines,
    } = await captureOutput(async () => {
      const runtime = await createSinkRuntime(environment(arn), { log: runtimeLog });
      runtimes.push(runtime);
      const records = [
        { topic, partition: 0, offset: 0, timestamp: 1_790_000_000_000, key: 'i1', value: JSON.stringify({ qty: 3 }) },
        { topic, partition: 0, offset: 1, timestamp: 1_790_000_000_001, key: 'i2', value: JSON.stringify({ qty: 'three' }) },
        { topic, partition: 0, offset: 2, timestamp: 1_790_000_000_002, key: 'i1', value: null },
        { topic, partition: 1, offset: 0, timestamp: 1_790_000_000_003, key: 'i3', value: JSON.stringify({ qty: 4 }) },
      ];
      return createSinkHandler(runtime)(mskEventOf(records), lambdaContext(30_000));
    });
    expect(error).toBeUndefined();
    expect(response).toEqual({ batchItemFailures: [] });
    const rows = await admin.execute(`SELECT id, qty FROM ${table}`);
    expect(rows.rows.map((row) => `${String(row.get('id'))}=${String(row.get('qty'))}`)).toEqual(['i3=4']);

    // The capture saw the real output: the connection, the batch and the dead letter.
    expect(lines.some((line) => line.includes('connected to the database'))).toBe(true);
    expect(lines.some((line) => line.includes('"message":"batch done"'))).toBe(true);
    expect(lines.some((line) => line.includes('record dead-lettered') && line.includes('three'))).toBe(true);
    expect(lines.filter((line) => line.includes(password))).toEqual([]);

    // Nor is it in the dead letter that left the function.
    const letters = await receiveAll(sqs, dlqUrl, 1, { remove: true });
    expect(letters).toHaveLength(1);
    expect(letters[0]?.Body).toContain('kafka-cql-sink.dead-letter');
    expect(letters.filter((message) => (message.Body ?? '').includes(password))).toEqual([]);
  });
});
