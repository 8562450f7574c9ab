import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, record, type CqlHarness } from './harness.js';

const { types } = cassandra;

/** Every CQL type, written from one JSON record and read back with the driver. */
describe('every CQL type round-trips through the sink', () => {
  let h: CqlHarness;
  beforeAll(async () => {
    h = await openHarness();
    await h.cql('CREATE TYPE ks.address (street text, zip int, tags frozen<set<text>>)');
    await h.cql(`CREATE TABLE ks.everything (
      id text PRIMARY KEY, c_ascii ascii, c_text text, c_varchar varchar, c_int int, c_bigint bigint, c_smallint smallint,
      c_tinyint tinyint, c_varint varint, c_decimal decimal, c_float float, c_double double, c_boolean boolean,
      c_timestamp timestamp, c_date date, c_time time, c_duration duration, c_uuid uuid, c_timeuuid timeuuid, c_inet inet,
      c_blob blob, c_list list<int>, c_set set<text>, c_map map<text, double>, c_frozen_list frozen<list<frozen<map<int, text>>>>,
      c_tuple tuple<int, text, boolean>, c_udt address, c_frozen_udt frozen<address>, c_udt_list list<frozen<address>>,
      c_vector vector<float, 3>)`);
  });
  afterAll(async () => {
    await h.close();
  });

  it('writes every type', async () => {
    const mapping = [
      'id=key',
      ...[
        'ascii',
        'text',
        'varchar',
        'int',
        'bigint',
        'smallint',
        'tinyint',
        'varint',
        'decimal',
        'float',
        'double',
        'boolean',
        'timestamp',
        'date',
        'time',
        'duration',
        'uuid',
        'timeuuid',
        'inet',
        'blob',
        'list',
        'set',
        'map',
        'frozen_list',
        'tuple',
        'udt',
        'frozen_udt',
        'udt_list',
        'vector',
      ].map((name) => `c_${name}=value.${name}`),
    ].join(', ');
    const engine = await h.engine({ all: { tables: { 'ks.everything': { mapping } } } });
    const value = {
      ascii: 'plain',
      text: 'héllo ✓',
      varchar: 'v',
      int: -42,
      bigint: '9223372036854775807',
      smallint: 32767,
      tinyint: -128,
      varint: '123456789012345678901234567890',
      decimal: '12345.6789',
      float: 1.5,
      double: 2.25,
      boolean: 'yes',
      timestamp: '2026-03-01T10:15:30.123Z',
      date: '2026-03-01',
      time: '10:15:30.123456789',
      duration: '1h30m',
      uuid: '5b6f0c7e-3a52-4c1e-9a7e-0c5f1d2e3a4b',
      timeuuid: 'd2177dd0-eaa2-11de-a572-001b779c76e3',
      inet: '10.1.2.3',
      blob: '0xcafe',
      list: [3, 1, 2],
      set: ['b', 'a'],
      map: { x: 1.5, y: -2 },
      frozen_list: [{ 1: 'one' }, { 2: 'two' }],
      tuple: [7, 'seven', true],
      udt: { street: 'Main', zip: 12345, tags: ['home'] },
      frozen_udt: { street: 'Side', zip: null },
      udt_list: [{ street: 'A', zip: 1 }],
      vector: [0.5, -1, 2],
    };
    const outcomes = await engine.process([record('all', 'row1', value)]);
    expect(outcomes[0]).toMatchObject({ status: 'written' });
    const row = (await h.cql("SELECT * FROM ks.everything WHERE id = 'row1'")).first();
    expect(row.get('c_ascii')).toBe('plain');
    expect(row.get('c_text')).toBe('héllo ✓');
    expect(row.get('c_varchar')).toBe('v');
    expect(row.get('c_int')).toBe(-42);
    expect(row.get('c_bigint')).toBe(9223372036854775807n);
    expect(row.get('c_smallint')).toBe(32767);
    expect(row.get('c_tinyint')).toBe(-128);
    expect(row.get('c_varint')).toBe(123456789012345678901234567890n);
    expect(String(row.get('c_decimal'))).toBe('12345.6789');
    expect(row.get('c_float')).toBe(1.5);
    expect(row.get('c_double')).toBe(2.25);
    expect(row.get('c_boolean')).toBe(true);
    expect(row.get('c_timestamp')).toEqual(new Date('2026-03-01T10:15:30.123Z'));
    expect(String(row.get('c_date'))).toBe('2026-03-01');
    expect(String(row.get('c_time'))).toBe('10:15:30.123456789');
    expect(row.get('c_duration')).toEqual(types.Duration.fromString('1h30m'));
    expect(String(row.get('c_uuid'))).toBe(value.uuid);
    expect(String(row.get('c_timeuuid'))).toBe(value.timeuuid);
    expect(String(row.get('c_inet'))).toBe('10.1.2.3');
    expect(row.get('c_blob')).toEqual(Buffer.from('cafe', 'hex'));
    expect(row.get('c_list')).toEqual([3, 1, 2]);
    expect(row.get('c_set')).toEqual(['a', 'b']);
    expect(row.get('c_map')).toEqual(
      new Map([
        ['x', 1.5],
        ['y', -2],
      ]),
    );
    expect(row.get('c_frozen_list')).toEqual([new Map([[1, 'one']]), new Map([[2, 'two']])]);
    expect(row.get('c_tuple')).toEqual(new types.Tuple(7, 'seven', true));
    expect(row.get('c_udt')).toEqual({ street: 'Main', zip: 12345, tags: ['home'] });
    expect(row.get('c_frozen_udt')).toEqual({ street: 'Side', zip: null, tags: null });
    expect(row.get('c_udt_list')).toEqual([{ street: 'A', zip: 1, tags: null }]);
    expect(Array.from(row.get('c_vector') as Float32Array)).toEqual([0.5, -1, 2]);
  });

  it('dead-letters a value that does not fit its type, naming the column, the type and the value', async () => {
    const engine = await h.engine({ all: { tables: { 'ks.everything': { mapping: 'id=key, c_vector=value.v, c_tinyint=value.t' } } } });
    const [short, big] = await engine.process([
      record('all', 'bad1', { v: [1, 2], t: 1 }),
      record('all', 'bad2', { v: [1, 2, 3], t: 300 }),
    ]);
    expect(short?.status === 'dead-lettered' && short.error.message).toMatch(/c_vector.*vector<float, 3>/);
    expect(big?.status === 'dead-lettered' && big.error.message).toMatch(/c_tinyint.*tinyint.*300/);
  });
});
