import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import type { ColumnSchema, TableSchema } from '../../../lambdas/core/cql/session.js';
import { ConfigError, PoisonRecordError, SystemicFailureError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { createBatchRunner } from '../../../lambdas/core/batch/batch-runner.js';
import { createRefreshingEngine } from '../../../lambdas/core/batch/engine.js';
import { holdForSchemaProblems, suggestsSchemaChange } from '../../../lambdas/core/batch/schema-watch.js';
import { FakeSession, kafkaRecord, unitConnection } from '../../kit/index.js';

const col = (name: string, type: string, kind: ColumnSchema['kind'] = 'regular', position = -1): ColumnSchema => ({
  name,
  type,
  kind,
  position,
});
const users = (columns: ColumnSchema[]): TableSchema => ({
  keyspace: 'ks',
  table: 'users',
  columns: [col('id', 'text', 'partition_key', 0), ...columns],
  udts: [],
});
const rec = (topic: string, offset: number, value: unknown): KafkaRecord =>
  kafkaRecord({
    topic,
    offset: String(offset),
    timestamp: 1_000,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(JSON.stringify(value)),
  });
const config = parseSinkConfig({
  connection: unitConnection,
  topics: { t: { tables: { 'ks.users': { mapping: 'id=key, age=value.age, city=value.city' } } } },
});

describe('refreshing engine', () => {
  it('re-plans from the live schema: a dropped column is a ConfigError naming the mapping and the column; a column re-added with another type is converted to it', async () => {
    const live: TableSchema[] = [users([col('age', 'int'), col('city', 'text')])];
    const session = new FakeSession(live);
    let now = 0;
    const engine = await createRefreshingEngine({ config, session }, 5_000, () => now);
    expect((await engine.process([rec('t', 1, { age: 'x', city: 'c' })]))[0]?.status).toBe('dead-lettered');

    live[0] = users([col('age', 'int')]);
    const problem = await engine.refresh?.();
    expect(problem).toBeInstanceOf(ConfigError);
    expect(problem?.problems[0]).toMatch(/^topics\.t\.tables\.ks\.users: mapping: "city" is not a column of/);
    // Within the interval: the same answer, the schema is not read again.
    live[0] = users([col('age', 'text'), col('city', 'text')]);
    expect(await engine.refresh?.()).toBe(problem);

    now += 5_000;
    expect(await engine.refresh?.()).toBeUndefined();
    expect((await engine.process([rec('t', 2, { age: 'x', city: 'c' })]))[0]?.status).toBe('written');
  });
});

describe('schema watch', () => {
  const error = new ConfigError(['topics.t.tables.ks.users: mapping: "city" is not a column of ks.users (its columns: id, age)']);

  it('holds every failed or poison record of the affected topic with an error naming the mapping and the column', () => {
    const outcomes: RecordOutcome[] = [
      { record: rec('t', 1, {}), status: 'written' },
      {
        record: rec('t', 2, {}),
        status: 'failed',
        error: new TransientError('t/0@2 → ks.users: Prepared query with ID ab12 not found\n   at stack'),
      },
      { record: rec('t', 3, {}), status: 'dead-lettered', tables: ['ks.users'], error: new PoisonRecordError('bad') },
      { record: rec('other', 4, {}), status: 'dead-lettered', tables: ['ks.other'], error: new PoisonRecordError('bad') },
    ];
    const held = holdForSchemaProblems(outcomes, error);
    expect(held.map((o) => o.status)).toEqual(['written', 'failed', 'failed', 'dead-lettered']);
    const halt = (held[1] as { error: Error }).error;
    if (!(halt instanceof SystemicFailureError)) throw new Error(`expected a SystemicFailureError, got ${halt.name}`);
    expect(halt.halt).toMatchObject({ table: 'ks.users', column: 'city', records: 2, ofRecords: 3, example: { topic: 't', offset: '2' } });
    expect(halt.message).toContain('topics.t.tables.ks.users: mapping: "city" is not a column');
    expect(halt.message).not.toContain('at stack');
    expect((held[2] as { error: Error }).error).toBe(halt);
  });

  it('suspects a schema change from the server dropping prepared statements, a column or a table gone, or a systemic failure; not from a timeout', () => {
    const failed = (error: Error): RecordOutcome[] => [{ record: rec('t', 1, {}), status: 'failed', error }];
    expect(
      suggestsSchemaChange(failed(new TransientError('x', { cause: new Error('Prepared query with ID 5b5f not found (either …)') }))),
    ).toBe(true);
    expect(suggestsSchemaChange(failed(new TransientError('Cassandra invalid: Undefined column name label')))).toBe(true);
    expect(suggestsSchemaChange(failed(new TransientError('Cassandra invalid: unconfigured table users')))).toBe(true);
    expect(suggestsSchemaChange(failed(new TransientError('Cassandra writeTimeout: Operation timed out')))).toBe(false);
    expect(suggestsSchemaChange([{ record: rec('t', 1, {}), status: 'written' }])).toBe(false);
  });
});

describe('batch runner and schema refresh', () => {
  const engineFailing = (refresh: () => Promise<ConfigError | undefined>) => ({
    tables: ['ks.users'],
    refresh,
    process: (records: readonly KafkaRecord[]) =>
      Promise.resolve(
        records.map((record) => ({ record, status: 'failed' as const, error: new TransientError('Prepared query with ID ab not found') })),
      ),
  });

  it('holds with the mapping problem when the refresh finds the table no longer fits', async () => {
    const problem = new ConfigError(['topics.t.tables.ks.users: mapping: "city" is not a column of ks.users (its columns: id, age)']);
    const run = createBatchRunner({
      engine: engineFailing(() => Promise.resolve(problem)),
      deadLetters: { send: () => Promise.resolve() },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const [outcome] = await run([rec('t', 1, {})], { deadlineMs: Number.MAX_SAFE_INTEGER });
    expect(outcome?.status === 'failed' && outcome.error instanceof SystemicFailureError && outcome.error.halt.column).toBe('city');
  });

  it('keeps the outcomes when the refresh cannot reach the cluster', async () => {
    const run = createBatchRunner({
      engine: engineFailing(() => Promise.reject(new TransientError('no host available'))),
      deadLetters: { send: () => Promise.resolve() },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const [outcome] = await run([rec('t', 1, {})], { deadlineMs: Number.MAX_SAFE_INTEGER });
    expect(outcome?.status).toBe('failed');
    expect(outcome?.status === 'failed' && outcome.error.message).toBe('Prepared query with ID ab not found');
  });
});
