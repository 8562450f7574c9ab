import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, observabilitySettings } from '../../../lambdas/adapters/observability.js';
import { createSinkRuntime, type SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { createSinkHandler } from '../../../lambdas/sink/create-handler.js';
import { captureOutput } from '../../support/capture-output.js';
import { localAwsClientConfig, localCassandraClient, uniqueName } from '../../support/services.js';
import {
  createQueue,
  createSecret,
  deleteQueue,
  deleteSecrets,
  mskEventOf,
  receiveAll,
  uniqueTopic,
  useEmulatorEnvironment,
} from '../handlers/support.js';
import { lambdaContext, localSinkConfigText } from '../../kit/index.js';

/*
 * Log and error scrubbing across the adapters, end to end: a role whose
 * password is unique to this run lives in Cassandra and in the emulator's
 * Secrets Manager; the runtime is created from it, a batch with poison
 * records and an injection-looking value goes through the real handler,
 * and a second runtime fails on a wrong password. Everything written to
 * stdout/stderr (Powertools logger, console, the driver), every error
 * message (with its causes) and every dead letter is searched for the
 * password. The injection-looking value must be stored verbatim.
 */

useEmulatorEnvironment();
const sqs = new SQSClient(localAwsClientConfig);
const sm = new SecretsManagerClient(localAwsClientConfig);
const secretArns: string[] = [];
const role = uniqueName('kcs_leak');
const password = `Leak-${uniqueName('pw')}-${Math.random().toString(36).slice(2)}`;
const wrongPassword = `Wrong-${uniqueName('pw')}`;
const keyspace = uniqueName('secit');
const topic = uniqueTopic('leak');
const INJECTION = "'); DROP KEYSPACE system_auth; --";
let admin: cassandra.Client;
let dlqUrl = '';
const runtimes: SinkRuntime[] = [];

/** An error's name, message, stack and every cause, as one text. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}\n${current.stack ?? ''}`);
      const inner = (current as { innerErrors?: Record<string, unknown> }).innerErrors;
      if (inner !== undefined) parts.push(...Object.values(inner).map(errorText));
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
  }
  return parts.join('\n');
}

function expectNoSecret(text: string): void {
  for (const secret of [password, wrongPassword, Buffer.from(password).toString('base64')]) {
    expect(text.includes(secret), `found a secret in:\n${text.slice(0, 2000)}`).toBe(false);
  }
}

function environment(secretArn: string): Record<string, string> {
  return {
    SINK_CONFIG: localSinkConfigText(secretArn, {
      [topic]: {
        keyFormat: 'string',
        valueFormat: 'json',
        tables: { [`${keyspace}.notes`]: { mapping: 'id=key, body=value.body, n=value.n' } },
      },
    }),
    DLQ_URL: dlqUrl,
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '',
    AWS_REGION: process.env.AWS_REGION ?? '',
  };
}

beforeAll(async () => {
  admin = localCassandraClient();
  await admin.connect();
  await admin.execute(`CREATE ROLE ${role} WITH PASSWORD = '${password}' AND LOGIN = true`);
  await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE TABLE ${keyspace}.notes (id text PRIMARY KEY, body text, n int)`);
  dlqUrl = await createQueue(sqs, 'kcs-sec-dlq');
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.close().catch(() => undefined);
  await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await admin.execute(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await admin.shutdown();
  await deleteQueue(sqs, dlqUrl);
  await deleteSecrets(sm, secretArns);
  sqs.destroy();
  sm.destroy();
});

describe('no connection secret in logs, errors or dead letters', () => {
  it('runtime from Secrets Manager, a batch with poison records: the password appears nowhere; an injection-looking value is data', async () => {
    const secretArn = await createSecret(sm, { username: role, password }, secretArns);
    const {
      result: runtime,
      error,
      text,
    } = await captureOutput(async () => {
      const created = await createSinkRuntime(environment(secretArn));
      runtimes.push(created);
      const handler = createSinkHandler(created);
      const event = mskEventOf([
        { topic, partition: 0, offset: 1, timestamp: 1_760_000_000_000, key: 'inject', value: JSON.stringify({ body: INJECTION, n: 1 }) },
        {
          topic,
          partition: 0,
          offset: 2,
          timestamp: 1_760_000_000_001,
          key: 'quote"; DROP TABLE x; --',
          value: JSON.stringify({ body: 'a\'b"c;--', n: 2 }),
        },
        {
          topic,
          partition: 0,
          offset: 3,
          timestamp: 1_760_000_000_002,
          key: 'poison-n',
          value: JSON.stringify({ body: 'x', n: '1; DROP TABLE notes' }),
        },
        { topic, partition: 0, offset: 4, timestamp: 1_760_000_000_003, key: 'poison-json', value: `{"body": "${password.slice(0, 3)}` },
      ]);
      return handler(event, lambdaContext(60_000));
    });
    expect(error).toBeUndefined();
    expect(runtime?.batchItemFailures).toEqual([]);
    expect(text).toContain('record dead-lettered');
    expectNoSecret(text);

    const letters = await receiveAll(sqs, dlqUrl, 2, { remove: true });
    expect(letters).toHaveLength(2);
    for (const letter of letters) expectNoSecret(JSON.stringify(letter));

    // Values are bound, never spliced into CQL: the keyspace is still there and the text is stored as sent.
    const rows = await admin.execute(`SELECT id, body, n FROM ${keyspace}.notes`);
    const byId = new Map(rows.rows.map((row) => [String(row.id), { body: row.body as unknown, n: row.n as unknown }]));
    expect(byId.get('inject')).toEqual({ body: INJECTION, n: 1 });
    expect(byId.get('quote"; DROP TABLE x; --')).toEqual({ body: 'a\'b"c;--', n: 2 });
    expect(byId.has('poison-n')).toBe(false);
    const auth = await admin.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'system_auth'");
    expect(auth.rowLength).toBe(1);
  });

  it('a wrong password fails with a ConfigError that names the secret, never the password, in its message, causes or the logs', async () => {
    const secretArn = await createSecret(sm, { username: role, password: wrongPassword }, secretArns);
    // The connection log goes through the Powertools logger, as in the Lambda (vitest intercepts console.*).
    const logger = createLogger({ ...observabilitySettings(), serviceName: 'kcs-security-it' });
    const { error, text } = await captureOutput(() =>
      createSinkRuntime(environment(secretArn), {
        log: (message, fields) => {
          logger.info(message, fields ?? {});
        },
      }).then((created) => {
        runtimes.push(created);
        return created;
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(errorText(error)).toMatch(/authentication .* failed twice/);
    expectNoSecret(errorText(error));
    expectNoSecret(text);
    expect(text).toContain('authentication failed; reading the credentials again and retrying once');
  });

  it('a secret that is not the expected shape: the error names the secret, not its content', async () => {
    const secretArn = await createSecret(sm, { user: role, pass: password }, secretArns);
    const { error, text } = await captureOutput(() => createSinkRuntime(environment(secretArn)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(errorText(error)).toContain(secretArn);
    expectNoSecret(errorText(error));
    expectNoSecret(text);
  });
});
