import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import { cassandra, problemsOf } from './helpers.js';

const minimal = (connection: object = cassandra, table: object = {}) => ({
  connection,
  topics: { orders: { tables: { 'shop.orders': { mapping: 'id=key', ...table } } } },
});

describe('glue format', () => {
  it("needs no registry settings (the function's region, any registry) and takes a registry name and region", () => {
    const bare = parseSinkConfig({
      ...minimal(),
      topics: { orders: { keyFormat: 'glue', valueFormat: 'glue', tables: { 'shop.orders': { mapping: 'id=key' } } } },
    });
    expect(bare.topics.orders?.valueFormat).toBe('glue');
    expect(bare.topics.orders?.glueSchemaRegistry).toBeUndefined();
    const scoped = parseSinkConfig({
      ...minimal(),
      topics: {
        orders: {
          valueFormat: 'glue',
          glueSchemaRegistry: { registryName: 'shop-schemas', region: 'eu-west-1' },
          tables: { 'shop.orders': { mapping: 'id=key' } },
        },
      },
    });
    expect(scoped.topics.orders?.glueSchemaRegistry).toEqual({ registryName: 'shop-schemas', region: 'eu-west-1' });
  });
});

describe('defaults', () => {
  it('fills the connector defaults on cassandra', () => {
    const config = parseSinkConfig(minimal());
    expect(config.connection).toEqual({ ...cassandra, port: 9042 });
    expect(config.writer).toEqual({ maxConcurrentRequests: 128, maxNumberOfRecordsInBatch: 32 });
    const topic = config.topics.orders;
    expect(topic?.keyFormat).toBe('string');
    expect(topic?.valueFormat).toBe('json');
    expect(topic?.codec).toEqual({
      locale: 'en_US',
      timeZone: 'UTC',
      timestamp: 'CQL_TIMESTAMP',
      date: 'ISO_LOCAL_DATE',
      time: 'ISO_LOCAL_TIME',
      unit: 'MILLISECONDS',
    });
    expect(topic?.tables['shop.orders']).toEqual({
      mapping: 'id=key',
      consistencyLevel: 'LOCAL_ONE',
      ttl: -1,
      ttlTimeUnit: 'SECONDS',
      timestampTimeUnit: 'MICROSECONDS',
      nullToUnset: true,
      deletesEnabled: true,
      clientTimestamps: true,
    });
  });

  it('uses LOCAL_QUORUM, batches of 30 and no client timestamps on keyspaces', () => {
    const config = parseSinkConfig(minimal({ profile: 'keyspaces', region: 'eu-west-1' }));
    expect(config.connection).toEqual({ profile: 'keyspaces', region: 'eu-west-1', auth: { type: 'sigv4' } });
    expect(config.writer.maxNumberOfRecordsInBatch).toBe(30);
    expect(config.topics.orders?.tables['shop.orders']).toMatchObject({ consistencyLevel: 'LOCAL_QUORUM', clientTimestamps: false });
  });

  it('uses LOCAL_QUORUM on astra', () => {
    const astra = {
      profile: 'astra',
      secureConnectBundle: { s3Uri: 's3://bundles/db.zip' },
      tokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:astra-token',
    };
    expect(parseSinkConfig(minimal(astra)).topics.orders?.tables['shop.orders']?.consistencyLevel).toBe('LOCAL_QUORUM');
  });

  it('turns deletes off by default for a custom query', () => {
    const table = parseSinkConfig(minimal(cassandra, { query: 'UPDATE shop.orders SET n = n + 1 WHERE id = :id' })).topics.orders?.tables[
      'shop.orders'
    ];
    expect(table?.deletesEnabled).toBe(false);
  });

  it('gives a result that parses to itself (the output is a valid input)', () => {
    const once = parseSinkConfig(minimal({ profile: 'keyspaces', region: 'eu-west-1' }));
    expect(parseSinkConfig(once)).toEqual(once);
  });
});

describe('every failure names the path and the value', () => {
  it.each<[string, object, string]>([
    [
      'contact point',
      { connection: { ...cassandra, contactPoints: ['a:b:c'] } },
      'connection.contactPoints.0: expected "host" or "host:port" (IPv6 as "[addr]:port") (got "a:b:c")',
    ],
    [
      'port range',
      { connection: { ...cassandra, contactPoints: ['h:70000'] } },
      'connection.contactPoints.0: port must be at most 65535 (got "h:70000")',
    ],
    ['missing local DC', { connection: { profile: 'cassandra', contactPoints: ['h'] } }, 'connection.localDataCenter: required (string)'],
    [
      'unknown profile',
      { connection: { profile: 'mongo' } },
      'connection.profile: expected one of "cassandra", "astra", "keyspaces" (got "mongo")',
    ],
    [
      'secret ARN',
      { connection: { ...cassandra, credentialsSecretArn: 'my-secret' } },
      'connection.credentialsSecretArn: expected a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) (got "my-secret")',
    ],
    [
      'both CAs',
      { connection: { ...cassandra, tls: { caFile: '/ca.pem', caSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ca' } } },
      'connection.tls.caFile: give caSecretArn or caFile, not both (got {"caSecretArn":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:ca","caFile":"/ca.pem","rejectUnauthorized":true,"c…)',
    ],
    [
      'unknown setting',
      { topics: { orders: { tables: { 'shop.orders': { mapping: 'id=key', consistency: 'ONE' } } } } },
      'topics.orders.tables.shop.orders.consistency: unknown setting',
    ],
    [
      'bad mapping',
      { topics: { orders: { tables: { 'shop.orders': { mapping: 'id key' } } } } },
      'topics.orders.tables.shop.orders.mapping: expected \'=\' at position 3 near "key" (got "id key")',
    ],
    [
      'bad level',
      { topics: { orders: { tables: { 'shop.orders': { mapping: 'id=key', consistencyLevel: 'SERIAL' } } } } },
      'topics.orders.tables.shop.orders.consistencyLevel: Invalid option: expected one of "ANY"|"ONE"|"TWO"|"THREE"|"QUORUM"|"ALL"|"LOCAL_ONE"|"LOCAL_QUORUM"|"EACH_QUORUM" (got "SERIAL")',
    ],
    [
      'ttl below -1',
      { topics: { orders: { tables: { 'shop.orders': { mapping: 'id=key', ttl: -5 } } } } },
      'topics.orders.tables.shop.orders.ttl: Too small: expected number to be >=-1 (got -5)',
    ],
    [
      'ttl too long',
      { topics: { orders: { tables: { 'shop.orders': { mapping: 'id=key', ttl: 7301, ttlTimeUnit: 'DAYS' } } } } },
      "topics.orders.tables.shop.orders.ttl: TTL exceeds Cassandra's maximum of 630720000 seconds (20 years) (got 7301)",
    ],
    [
      'table name',
      { topics: { orders: { tables: { 'shop.orders-v2': { mapping: 'id=key' } } } } },
      'topics.orders.tables.shop.orders-v2: expected "keyspace.table": each name is letters, digits and "_", starting with a letter unless double-quoted (quoting keeps upper case) (got "shop.orders-v2")',
    ],
    [
      'no keyspace',
      { topics: { orders: { tables: { orders: { mapping: 'id=key' } } } } },
      'topics.orders.tables.orders: expected "keyspace.table": each name is letters, digits and "_", starting with a letter unless double-quoted (quoting keeps upper case) (got "orders")',
    ],
    ['no tables', { topics: { orders: { tables: {} } } }, 'topics.orders.tables: a topic needs at least one table (got {})'],
    ['no topics', { topics: {} }, 'topics: at least one topic is required (got {})'],
    [
      'topic name',
      { topics: { 'or ders': { tables: { 'shop.orders': { mapping: 'id=key' } } } } },
      'topics.or ders: not a Kafka topic name (letters, digits, ".", "_", "-", at most 249) (got "or ders")',
    ],
    [
      'avro without registry',
      { topics: { orders: { valueFormat: 'avro', tables: { 'shop.orders': { mapping: 'id=key' } } } } },
      'topics.orders.schemaRegistry: required when keyFormat or valueFormat is avro, protobuf or json-schema',
    ],
    [
      'glue registry without a glue format',
      { topics: { orders: { glueSchemaRegistry: { registryName: 'shop' }, tables: { 'shop.orders': { mapping: 'id=key' } } } } },
      'topics.orders.glueSchemaRegistry: only read when keyFormat or valueFormat is glue (got {"registryName":"shop"})',
    ],
    [
      'glue registry name',
      {
        topics: {
          orders: { valueFormat: 'glue', glueSchemaRegistry: { registryName: 'a b' }, tables: { 'shop.orders': { mapping: 'id=key' } } },
        },
      },
      'topics.orders.glueSchemaRegistry.registryName: not a Glue registry name (letters, digits, "-", "_", "$", "#", at most 255) (got "a b")',
    ],
    [
      'glue region',
      {
        topics: {
          orders: { valueFormat: 'glue', glueSchemaRegistry: { region: 'Europe' }, tables: { 'shop.orders': { mapping: 'id=key' } } },
        },
      },
      'topics.orders.glueSchemaRegistry.region: not an AWS region (e.g. eu-west-1) (got "Europe")',
    ],
    [
      'query with deletes',
      {
        topics: {
          orders: {
            tables: { 'shop.orders': { mapping: 'id=key', query: 'INSERT INTO shop.orders (id) VALUES (:id)', deletesEnabled: true } },
          },
        },
      },
      'topics.orders.tables.shop.orders.deletesEnabled: deletes cannot be derived from a custom query; set deletesEnabled to false or remove query (got true)',
    ],
    [
      'unbound query variable',
      {
        topics: {
          orders: {
            tables: { 'shop.orders': { mapping: 'id=key', query: "INSERT INTO shop.orders (id, n) VALUES (:id, :n) -- ':x' is text" } },
          },
        },
      },
      'topics.orders.tables.shop.orders.query: bind :n is not a column of the mapping, so it would never get a value (got "INSERT INTO shop.orders (id, n) VALUES (:id, :n) -- \':x\' is text")',
    ],
    [
      'batch size',
      { writer: { maxNumberOfRecordsInBatch: 0 } },
      'writer.maxNumberOfRecordsInBatch: Too small: expected number to be >=1 (got 0)',
    ],
  ])('%s', (_label, override, problem) => {
    expect(problemsOf(() => parseSinkConfig({ ...minimal(), ...override }))).toEqual([problem]);
  });

  it('lists every problem of a config at once, across sections', () => {
    const problems = problemsOf(() =>
      parseSinkConfig(
        {
          connection: { profile: 'keyspaces', region: 'eu-west-1' },
          writer: { maxNumberOfRecordsInBatch: 40 },
          topics: {
            orders: {
              tables: {
                'shop.orders': { mapping: 'id=key, __timestamp=value.ts', consistencyLevel: 'ONE', ttl: 'x' },
                'shop.bad-name': { mapping: 'id=' },
              },
            },
          },
        },
        'sink.yaml',
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'sink.yaml: topics.orders.tables.shop.orders.ttl: expected number (got "x")',
        'sink.yaml: topics.orders.tables.shop.bad-name.mapping: expected key, value, header.<name> or now() at position 3 (end of input) (got "id=")',
        expect.stringMatching(/^sink\.yaml: topics\.orders\.tables\.shop\.bad-name: expected "keyspace\.table"/),
        'sink.yaml: writer.maxNumberOfRecordsInBatch: Keyspaces allows at most 30 statements in a batch (got 40)',
        'sink.yaml: topics.orders.tables.shop.orders.consistencyLevel: Keyspaces accepts writes only at LOCAL_QUORUM (got "ONE")',
        expect.stringMatching(
          /^sink\.yaml: topics\.orders\.tables\.shop\.orders\.clientTimestamps: __timestamp is mapped but clientTimestamps is false \(the default on keyspaces\)/,
        ),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('rejects the levels Astra refuses for writes', () => {
    const astra = {
      profile: 'astra',
      secureConnectBundle: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:scb' },
      tokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tok',
    };
    expect(problemsOf(() => parseSinkConfig(minimal(astra, { consistencyLevel: 'LOCAL_ONE' })))).toEqual([
      'topics.orders.tables.shop.orders.consistencyLevel: Astra rejects writes at LOCAL_ONE; use LOCAL_QUORUM or higher (got "LOCAL_ONE")',
    ]);
  });

  it('accepts __timestamp on keyspaces once client timestamps are turned on', () => {
    const config = parseSinkConfig(
      minimal({ profile: 'keyspaces', region: 'eu-west-1' }, { mapping: 'id=key, __timestamp=value.ts', clientTimestamps: true }),
    );
    expect(config.topics.orders?.tables['shop.orders']?.clientTimestamps).toBe(true);
  });
});
