import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';
import { openHarness, record, type CqlHarness } from './harness.js';

const statuses = (outcomes: RecordOutcome[]) => outcomes.map((o) => o.status);

describe('writes against Cassandra', () => {
  let h: CqlHarness;
  beforeAll(async () => {
    h = await openHarness();
    await Promise.all([
      h.cql('CREATE TABLE ks.users (id text PRIMARY KEY, name text, age int, city text)'),
      h.cql(
        'CREATE TABLE ks.events (user_id text, at timestamp, seq int, kind text, origin text, trace timeuuid, PRIMARY KEY ((user_id), at, seq))',
      ),
      h.cql('CREATE TABLE ks.hits (page text PRIMARY KEY, views counter, clicks counter)'),
      h.cql('CREATE TABLE ks.names (name text PRIMARY KEY, id text)'),
      h.cql('CREATE TABLE ks.audit (id text PRIMARY KEY, note text, at bigint)'),
      h.cql('CREATE TABLE ks.notes (k text, c text, v text, PRIMARY KEY (k, c))'),
      h.cql('CREATE TABLE ks.members (id text PRIMARY KEY)'),
      h.cql('CREATE TABLE ks.tags (k text, tag text, PRIMARY KEY (k, tag))'),
    ]);
  });
  afterAll(async () => {
    await h.close();
  });

  const one = async (cql: string) => (await h.cql(cql)).first() as { get(name: string): unknown } | null;

  it('writes with WRITETIME equal to the Kafka timestamp in µs and the static TTL', async () => {
    const engine = await h.engine({ users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name, age=value.age', ttl: 3600 } } } });
    const outcomes = await engine.process([record('users', 'u1', { name: 'Ada', age: 36 }, { timestamp: 1_760_000_000_123 })]);
    expect(statuses(outcomes)).toEqual(['written']);
    const row = await one("SELECT name, age, WRITETIME(name) AS wt, TTL(name) AS ttl FROM ks.users WHERE id = 'u1'");
    expect(row?.get('name')).toBe('Ada');
    expect(row?.get('age')).toBe(36);
    expect(row?.get('wt')).toBe(1_760_000_000_123_000n);
    expect(row?.get('ttl')).toBeGreaterThan(3590);
  });

  it('does not let an older record replayed after a newer one overwrite it', async () => {
    const engine = await h.engine({ users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name' } } } });
    await engine.process([record('users', 'u2', { name: 'new' }, { timestamp: 2_000 })]);
    expect(statuses(await engine.process([record('users', 'u2', { name: 'old' }, { timestamp: 1_000 })]))).toEqual(['written']);
    expect((await one("SELECT name FROM ks.users WHERE id = 'u2'"))?.get('name')).toBe('new');
    // In one call, the same key twice: the later Kafka record wins whatever the execution order.
    await engine.process([
      record('users', 'u3', { name: 'first' }, { timestamp: 5_000 }),
      record('users', 'u3', { name: 'second' }, { timestamp: 6_000 }),
    ]);
    expect((await one("SELECT name FROM ks.users WHERE id = 'u3'"))?.get('name')).toBe('second');
  });

  it('takes __ttl and __timestamp from the record, in their units', async () => {
    const engine = await h.engine({
      users: {
        tables: {
          'ks.users': {
            mapping: 'id=key, name=value.name, __ttl=value.ttl_min, __timestamp=value.ts',
            ttlTimeUnit: 'MINUTES',
            timestampTimeUnit: 'MILLISECONDS',
          },
        },
      },
    });
    await engine.process([record('users', 'u4', { name: 'T', ttl_min: 10, ts: 1_700_000_000_000 })]);
    const row = await one("SELECT TTL(name) AS ttl, WRITETIME(name) AS wt FROM ks.users WHERE id = 'u4'");
    expect(row?.get('ttl')).toBeGreaterThan(590);
    expect(row?.get('ttl')).toBeLessThanOrEqual(600);
    expect(row?.get('wt')).toBe(1_700_000_000_000_000n);
  });

  it('leaves null fields unset with nullToUnset, and writes null without it', async () => {
    await h.cql("INSERT INTO ks.users (id, name, city) VALUES ('u5', 'keep', 'Paris') USING TIMESTAMP 1");
    const unset = await h.engine({ users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name, city=value.city' } } } });
    await unset.process([record('users', 'u5', { name: 'changed', city: null })]);
    expect((await one("SELECT name, city FROM ks.users WHERE id = 'u5'"))?.get('city')).toBe('Paris');
    const nulls = await h.engine({
      users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name, city=value.city', nullToUnset: false } } },
    });
    await nulls.process([record('users', 'u5', { name: 'changed', city: null })]);
    expect((await one("SELECT city FROM ks.users WHERE id = 'u5'"))?.get('city')).toBeNull();
  });

  it('deletes on a tombstone and on a record with only key fields', async () => {
    const engine = await h.engine({
      users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name, age=value.age, city=value.city' } } },
    });
    await engine.process([
      record('users', 'd1', { name: 'x', age: 1, city: 'c' }, { timestamp: 1_000 }),
      record('users', 'd2', { name: 'y', age: 2, city: 'c' }, { timestamp: 1_000 }),
    ]);
    const outcomes = await engine.process([
      record('users', 'd1', null, { timestamp: 2_000 }),
      record('users', 'd2', { name: null }, { timestamp: 2_000 }),
    ]);
    expect(statuses(outcomes)).toEqual(['written', 'written']);
    expect((await h.cql("SELECT * FROM ks.users WHERE id IN ('d1', 'd2')")).rowLength).toBe(0);
    // A replayed older insert does not resurrect the row: the delete carries the record's write time.
    await engine.process([record('users', 'd1', { name: 'x', age: 1, city: 'c' }, { timestamp: 1_500 })]);
    expect((await h.cql("SELECT * FROM ks.users WHERE id = 'd1'")).rowLength).toBe(0);
  });

  it('deletes only the columns a partial mapping owns', async () => {
    await h.cql("INSERT INTO ks.users (id, name, age, city) VALUES ('d3', 'n', 7, 'Rome') USING TIMESTAMP 1");
    const engine = await h.engine({ users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name, age=value.age' } } } });
    expect(statuses(await engine.process([record('users', 'd3', null)]))).toEqual(['written']);
    const row = await one("SELECT name, age, city FROM ks.users WHERE id = 'd3'");
    expect([row?.get('name'), row?.get('age'), row?.get('city')]).toEqual([null, null, 'Rome']);
  });

  it('leaves the row alone on a tombstone when deletes are off', async () => {
    await h.cql("INSERT INTO ks.users (id, name) VALUES ('d4', 'kept')");
    const engine = await h.engine({ users: { tables: { 'ks.users': { mapping: 'id=key, name=value.name', deletesEnabled: false } } } });
    const [outcome] = await engine.process([record('users', 'd4', null)]);
    expect(outcome?.status).toBe('written');
    expect((await one("SELECT name FROM ks.users WHERE id = 'd4'"))?.get('name')).toBe('kept');
  });

  it('dead-letters a tombstone that a table with deletes on cannot turn into a delete', async () => {
    const engine = await h.engine({ users: { tables: { 'ks.users': { mapping: 'id=value.id, name=value.name' } } } });
    const [outcome] = await engine.process([record('users', 'd5', null)]);
    expect(outcome?.status).toBe('dead-lettered');
    expect(outcome?.status === 'dead-lettered' && outcome.error.message).toMatch(/column "id" \(primary key\) from value.id is null/);
  });

  it('inserts, never deletes, the row of a table with only primary-key columns, as the connector does', async () => {
    await h.cql("INSERT INTO ks.members (id) VALUES ('old') USING TIMESTAMP 1");
    await h.cql("INSERT INTO ks.tags (k, tag) VALUES ('t', 'old') USING TIMESTAMP 1");
    // Deletes are on by default: before, both tombstones below deleted their row.
    const engine = await h.engine({
      members: { tables: { 'ks.members': { mapping: 'id=key' } } },
      tags: { tables: { 'ks.tags': { mapping: 'k=key, tag=header.tag' } } },
    });
    const outcomes = await engine.process([
      record('members', 'old', null, { timestamp: 5_000 }),
      record('members', 'new', null, { timestamp: 5_000 }),
      record('tags', 't', null, { timestamp: 5_000, headers: { tag: 'old' } }),
      record('tags', 't', null, { timestamp: 5_000, headers: { tag: 'new' } }),
    ]);
    expect(statuses(outcomes)).toEqual(['written', 'written', 'written', 'written']);
    const members = await h.cql("SELECT id FROM ks.members WHERE id IN ('old', 'new')");
    expect(members.rows.map((r) => r.get('id') as string).sort()).toEqual(['new', 'old']);
    expect((await h.cql("SELECT tag FROM ks.tags WHERE k = 't'")).rows.map((r) => r.get('tag') as string).sort()).toEqual(['new', 'old']);
  });

  it('behaves the same with a config converted from the connector', async () => {
    const { config } = convertConnectorConfig({
      topics: 'members2',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      [`topic.members2.${h.keyspace}.members.mapping`]: 'id=key',
      [`topic.members2.${h.keyspace}.members.deletesEnabled`]: 'true',
    });
    const engine = await h.engine(config.topics);
    expect(statuses(await engine.process([record('members2', 'from-connector', null)]))).toEqual(['written']);
    expect((await h.cql("SELECT id FROM ks.members WHERE id = 'from-connector'")).rowLength).toBe(1);
  });

  it('dead-letters a tombstone for a key-only table whose key comes from the value, naming why', async () => {
    const engine = await h.engine({ members: { tables: { 'ks.members': { mapping: 'id=value.id' } } } });
    const [outcome] = await engine.process([record('members', 'x', null)]);
    expect(outcome?.status === 'dead-lettered' && outcome.error.message).toMatch(
      /the table has only primary-key columns, so a record inserts its row/,
    );
  });

  it('increments counters', async () => {
    const engine = await h.engine({ hits: { tables: { 'ks.hits': { mapping: 'page=key, views=value.v, clicks=value.c' } } } });
    const outcomes = await engine.process([
      record('hits', 'home', { v: 2, c: 1 }),
      record('hits', 'home', { v: 3, c: null }),
      record('hits', 'about', { v: 1, c: 0 }),
    ]);
    expect(statuses(outcomes)).toEqual(['written', 'written', 'written']);
    const home = await one("SELECT views, clicks FROM ks.hits WHERE page = 'home'");
    expect([home?.get('views'), home?.get('clicks')]).toEqual([5n, 1n]);
  });

  it('writes one record to several tables, decoding it once, with headers and now()', async () => {
    const engine = await h.engine({
      users: {
        tables: {
          'ks.users': { mapping: 'id=key, name=value.profile.name, city=header.origin' },
          'ks.names': { mapping: 'name=value.profile.name, id=key' },
          'ks.events': { mapping: 'user_id=key, at=value.at, seq=value.seq, kind=value.kind, origin=header.origin, trace=now()' },
        },
      },
    });
    const outcomes = await engine.process([
      record(
        'users',
        'm1',
        { profile: { name: 'Grace' }, at: '2026-01-02T03:04:05Z', seq: 1, kind: 'signup' },
        { headers: { origin: 'web' } },
      ),
    ]);
    expect(statuses(outcomes)).toEqual(['written']);
    expect((await one("SELECT name, city FROM ks.users WHERE id = 'm1'"))?.get('city')).toBe('web');
    expect((await one("SELECT id FROM ks.names WHERE name = 'Grace'"))?.get('id')).toBe('m1');
    const event = await one("SELECT at, kind, origin, trace FROM ks.events WHERE user_id = 'm1'");
    expect(event?.get('at')).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(String(event?.get('trace'))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts a record written only when all its tables are; a bad row in a batch poisons only its record', async () => {
    const engine = await h.engine({
      events: {
        tables: {
          'ks.events': { mapping: 'user_id=key, at=value.at, seq=value.seq, kind=value.kind' },
          'ks.audit': { mapping: 'id=value.id, note=value.kind' },
        },
      },
    });
    const records = [0, 1, 2, 3].map((seq) =>
      record('events', 'b1', { at: 1_000 + seq, seq: seq === 2 ? 'not a number' : seq, kind: `k${seq}`, id: `a${seq}` }),
    );
    const outcomes = await engine.process(records);
    expect(statuses(outcomes)).toEqual(['written', 'written', 'dead-lettered', 'written']);
    const poison = outcomes[2];
    expect(poison?.status === 'dead-lettered' && poison.tables).toEqual(['ks.events'.replace('ks.', `${h.keyspace}.`)]);
    expect(poison?.status === 'dead-lettered' && poison.error.message).toMatch(
      /events\/0@\d+ → .*events: column "seq" \(int\): cannot convert "not a number"/,
    );
    expect((await h.cql("SELECT seq FROM ks.events WHERE user_id = 'b1'")).rowLength).toBe(3);
    expect((await h.cql("SELECT id FROM ks.audit WHERE id = 'a2'")).rowLength).toBe(1);
  });

  it('retries a batch the server rejects row by row, so only the bad row is poison', async () => {
    const engine = await h.engine({ notes: { tables: { 'ks.notes': { mapping: 'k=key, c=value.c, v=value.v' } } } });
    const outcomes = await engine.process([
      record('notes', 'n', { c: 'a', v: '1' }),
      record('notes', 'n', { c: 'x'.repeat(70_000), v: '2' }),
      record('notes', 'n', { c: 'b', v: '3' }),
    ]);
    expect(statuses(outcomes)).toEqual(['written', 'dead-lettered', 'written']);
    expect(outcomes[1]?.status === 'dead-lettered' && outcomes[1].error.message).toMatch(
      /notes\/0@\d+ → .*notes: Cassandra invalid: .*65535/,
    );
    expect((await h.cql("SELECT c FROM ks.notes WHERE k = 'n'")).rowLength).toBe(2);
  });

  it('runs a custom query with named binds', async () => {
    const engine = await h.engine({
      audit: {
        tables: {
          'ks.audit': {
            mapping: 'id=key, note=value.note, at=value.at',
            query: 'UPDATE ks.audit USING TIMESTAMP :at SET note = :note WHERE id = :id',
          },
        },
      },
    });
    await engine.process([record('audit', 'q1', { note: 'hello', at: 42 })]);
    const row = await one("SELECT note, WRITETIME(note) AS wt FROM ks.audit WHERE id = 'q1'");
    expect([row?.get('note'), row?.get('wt')]).toEqual(['hello', 42n]);
  });

  it('refuses a mapping that does not fit the table with one ConfigError listing every problem', async () => {
    const error = await h
      .engine({
        users: { tables: { 'ks.users': { mapping: 'name=value.name, nickname=value.nick, age=header.age' } } },
        hits: { tables: { 'ks.hits': { mapping: 'page=key, views=header.v, __ttl=value.t' }, 'ks.nope': { mapping: 'id=key' } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/"nickname" is not a column of/);
    expect(problems).toMatch(/primary key column "id" must be mapped/);
    expect(problems).toMatch(/header cannot feed a counter/);
    expect(problems).toMatch(/counter table: counters take no TTL/);
    expect(problems).toMatch(/table "nope" does not exist/);
    expect((error as ConfigError).problems).toHaveLength(5);
  });
});
