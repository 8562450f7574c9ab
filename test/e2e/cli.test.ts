import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parse as parseYaml } from 'yaml';
import { encodeDeadLetter } from '../../lambdas/core/dead-letter.js';
import type { KafkaRecord } from '../../lambdas/core/event/record.js';
import { demoOrder } from '../../local/runner/demo-data.js';
import { repoRoot } from '../../local/services/paths.js';
import { localAwsClientConfig, localCassandraClient } from '../support/services.js';
import { demoTarget, type DemoTarget } from './support.js';

const run = promisify(execFile);
const targets: DemoTarget[] = [];

afterAll(async () => {
  for (const target of targets) await target.cleanup();
});

/** The CLI as a user runs it: a separate Node process loading the TypeScript entry through tsx. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'local/cli/main.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('kafka-cql-sink CLI', () => {
  it('check lists every problem of a broken mapping against the live tables, exit 1', async () => {
    const t = await demoTarget('e2e_check');
    targets.push(t);
    const broken = readFileSync(t.configFile, 'utf8')
      .replace('order_id=key, customer_id=value.customer_id', 'order_id=key, colour=value.colour, customer_id=value.customer_id')
      .replace('customer_id=value.customer_id, created_at=value.created_at, order_id=value.order_id,', 'customer_id=value.customer_id,')
      .replace(
        'amount=value.amount, currency=value.currency,\n          city',
        'amount=value.amount, currency=value.items,\n          city',
      );
    const file = path.join(path.dirname(t.configFile), 'broken.yaml');
    writeFileSync(file, broken);

    const good = await cli('check', '--local', '--config', t.configFile);
    expect(good.stdout).toContain('every mapping fits its table');
    expect(good.code).toBe(0);

    const bad = await cli('check', '--local', '--config', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\d+ problems:/);
    expect(bad.stderr).toContain('"colour" is not a column');
    expect(bad.stderr).toMatch(/primary key columns "created_at", "order_id" must be mapped/);
    expect(bad.stderr).toMatch(/currency/);

    const invalid = path.join(path.dirname(t.configFile), 'invalid.yaml');
    writeFileSync(invalid, 'connection: {profile: cassandra}\ntopics: {orders: {tables: {"shop.x": {mapping: "a=", ttl: -5}}}}\n');
    const schema = await cli('check', '--config', invalid);
    expect(schema.code).toBe(1);
    expect(schema.stderr.split('\n').filter((line) => line.startsWith('  - ')).length).toBeGreaterThanOrEqual(3);
  });

  it('convert-connector-config prints the sink config YAML and warnings on stderr', async () => {
    const result = await cli('convert-connector-config', 'test/fixtures/connector/cassandra-sink.properties');
    expect(result.code).toBe(0);
    const config = parseYaml(result.stdout) as {
      connection: { profile: string; credentialsSecretArn: string };
      topics: Record<string, unknown>;
    };
    expect(config.connection.profile).toBe('cassandra');
    expect(config.connection.credentialsSecretArn).toMatch(/^arn:aws:secretsmanager:/);
    expect(Object.keys(config.topics)).toEqual(['orders', 'payments.v2']);
    expect(result.stdout).not.toContain('s3cr3t');
    expect(result.stderr).toMatch(/^warning: .*password/m);
  });

  it('replay --file writes dead letters with their original write time and reports the ones still poison', async () => {
    const t = await demoTarget('e2e_replay');
    targets.push(t);
    const order = demoOrder(Math.random);
    const writtenAt = Date.parse('2024-05-01T12:00:00Z');
    const record = (offset: string, value: unknown): KafkaRecord => ({
      topic: t.topic,
      partition: 0,
      offset,
      timestamp: writtenAt,
      timestampType: 'CREATE_TIME',
      key: Buffer.from((value as { order_id: string }).order_id),
      value: Buffer.from(JSON.stringify(value)),
      headers: [],
    });
    const letter = (r: KafkaRecord): string =>
      JSON.stringify(
        encodeDeadLetter(
          {
            record: r,
            targetTables: [`${t.keyspace}.orders_by_id`],
            error: { kind: 'transient', name: 'TransientError', message: 'timed out' },
            attempt: 3,
          },
          { functionName: 'sink', functionVersion: '1' },
        ),
      );
    const file = path.join(path.dirname(t.configFile), 'dlq.jsonl');
    writeFileSync(
      file,
      [letter(record('10', order)), letter(record('11', { ...demoOrder(Math.random), amount: 'lots' })), 'not json'].join('\n') + '\n',
    );

    const result = await cli('replay', '--local', '--config', t.configFile, '--file', file);
    expect(result.stdout).toContain('replayed 3 messages: 1 written, 2 not written');
    expect(result.stderr).toMatch(/dlq\.jsonl:2 \(.*-0@11\): still-poison: .*amount/);
    expect(result.stderr).toMatch(/dlq\.jsonl:3: unreadable/);
    expect(result.code).toBe(1);

    // The same replay again, as one JSON object (idempotent: the written record is written with the same time).
    const json = await cli('replay', '--local', '--config', t.configFile, '--file', file, '--json');
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout.trim().split('\n').at(-1) ?? '{}') as {
      written: number;
      notWritten: number;
      results: { status: string }[];
    };
    expect(summary).toMatchObject({ written: 1, notWritten: 2 });
    expect(summary.results.map((r) => r.status)).toEqual(['written', 'still-poison', 'unreadable']);

    const cql = localCassandraClient();
    try {
      const row = (
        await cql.execute(`SELECT status, WRITETIME(status) AS wt FROM ${t.keyspace}.orders_by_id WHERE order_id = ?`, [order.order_id], {
          prepare: true,
        })
      ).first();
      expect(row.get('status')).toBe(order.status);
      // The original Kafka timestamp, in microseconds: a replay never overwrites newer data.
      expect(String(row.get('wt'))).toBe(String(writtenAt * 1000));
    } finally {
      await cql.shutdown();
    }
  });

  it('replay --queue-url deletes a message only once its record is written', async () => {
    const t = await demoTarget('e2e_replayq');
    targets.push(t);
    const order = demoOrder(Math.random);
    const record = (value: { order_id: string; created_at: string }): KafkaRecord => ({
      topic: t.topic,
      partition: 1,
      offset: '5',
      timestamp: Date.now() - 60_000,
      timestampType: 'CREATE_TIME',
      key: Buffer.from(value.order_id),
      value: Buffer.from(JSON.stringify(value)),
      headers: [],
    });
    const body = (r: KafkaRecord): string =>
      JSON.stringify(
        encodeDeadLetter(
          { record: r, targetTables: [], error: { kind: 'poison', name: 'PoisonRecordError', message: 'x' }, attempt: 1 },
          { functionName: 'sink', functionVersion: '1' },
        ),
      );
    const sqs = new SQSClient(localAwsClientConfig);
    await sqs.send(new SendMessageCommand({ QueueUrl: t.dlqUrl, MessageBody: body(record(order)) }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl: t.dlqUrl, MessageBody: body(record({ ...demoOrder(Math.random), created_at: 'soon' })) }),
    );

    const result = await cli('replay', '--local', '--config', t.configFile, '--queue-url', t.dlqUrl);
    expect(result.stdout).toContain('replayed 2 messages: 1 written, 1 not written (kept in the queue)');
    expect(result.code).toBe(1);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: t.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    sqs.destroy();
    expect(
      left.Messages?.map((m) => (JSON.parse(m.Body ?? '{}') as { record: { value: string } }).record.value).map((v) =>
        Buffer.from(v, 'base64').toString(),
      ),
    ).toEqual([expect.stringContaining('"created_at":"soon"')]);
  });
});
