import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import { parseProperties } from '../../../lambdas/core/config/properties.js';

const fixture = readFileSync(new URL('../../fixtures/connector/cassandra-sink.properties', import.meta.url), 'utf8');

describe('ssl.hostnameValidation', () => {
  const tlsOf = (validation: string) =>
    (
      convertConnectorConfig(
        `topics=t\ncontactPoints=db1\nloadBalancing.localDc=dc1\nssl.provider=JDK\nssl.hostnameValidation=${validation}`,
      ).config.connection as { tls?: unknown }
    ).tls;

  it('false skips the host name check only: certificates are still verified', () => {
    expect(tlsOf('false')).toEqual({ checkHostname: false });
    expect(tlsOf('true')).toEqual({});
  });
});

describe('convertConnectorConfig on a realistic connector file', () => {
  const { config, warnings } = convertConnectorConfig(fixture);

  it('converts the connection without copying the password', () => {
    expect(config.connection).toEqual({
      profile: 'cassandra',
      contactPoints: ['10.0.1.10', '10.0.1.11', '10.0.1.12'],
      localDataCenter: 'eu-west-1a',
      port: 9042,
      credentialsSecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:REPLACE_ME-cassandra-credentials',
      tls: {},
    });
    expect(JSON.stringify(config)).not.toContain('s3cr3t');
    expect(JSON.stringify(config)).not.toContain('changeit');
    expect(JSON.stringify(warnings)).not.toContain('s3cr3t');
    expect(warnings).toContain(
      'connection.credentialsSecretArn: placeholder; store {"username": "sink_writer", "password": …} in Secrets Manager and put its ARN here',
    );
    expect(warnings).toContain('ssl.truststore.password: not converted (secrets are never copied)');
  });

  it('keeps the writer limits and the formats, and warns about a concurrency far above the recommended one', () => {
    expect(config.writer).toEqual({ maxConcurrentRequests: 500, maxNumberOfRecordsInBatch: 16 });
    expect(warnings.find((w) => w.startsWith('maxConcurrentRequests: 500 carried over, far above the recommended 128'))).toBeDefined();
    expect(convertConnectorConfig('topics=t\nmaxConcurrentRequests=200').warnings.join('\n')).not.toContain('maxConcurrentRequests');
    expect(config.topics.orders).toMatchObject({ keyFormat: 'string', valueFormat: 'json' });
  });

  it('splits topic.<t>.<ks>.<tbl>.<setting> with dotted topic names and quoted tables', () => {
    expect(Object.keys(config.topics)).toEqual(['orders', 'payments.v2']);
    expect(Object.keys(config.topics.orders?.tables ?? {})).toEqual(['shop.orders_by_id', 'shop."OrdersByCustomer"']);
    expect(config.topics['payments.v2']?.tables).toEqual({
      'billing.payment_counts': {
        mapping: 'customer=value.customer_id, n=value.count',
        query: 'UPDATE billing.payment_counts SET n = n + :n WHERE customer = :customer',
        deletesEnabled: false,
        ttl: 86400,
      },
    });
    expect(config.topics['payments.v2']?.codec).toEqual({ unit: 'SECONDS' });
    expect(config.topics.orders?.codec).toEqual({ timeZone: 'Europe/Paris', timestamp: 'ISO_ZONED_DATE_TIME' });
  });

  it('rewrites mappings to keep the connector meaning', () => {
    const tables = config.topics.orders?.tables ?? {};
    expect(tables['shop.orders_by_id']).toEqual({
      mapping:
        'order_id=value.order_id, customer_id=value.customer_id, status=value.status, amount=value.amount, created_at=value.created_at, __ttl=value.retention, __timestamp=value.updated_at_us',
      consistencyLevel: 'LOCAL_QUORUM',
      ttlTimeUnit: 'DAYS',
      timestampTimeUnit: 'MICROSECONDS',
    });
    expect(tables['shop."OrdersByCustomer"']).toEqual({
      mapping: '"customerId"=value.customer_id, order_id=value.order_id, city=value."shipping.city"',
      deletesEnabled: false,
      nullToUnset: false,
    });
    expect(warnings).toContain('topics.orders.tables.shop."OrdersByCustomer".mapping: column customerId is quoted to keep its case');
  });

  it('warns about every setting it could not carry over', () => {
    expect(warnings).toEqual(
      expect.arrayContaining([
        'ignoreErrors: Driver has no equivalent; records that can never be written go to the dead-letter queue and the rest is retried',
        'queryExecutionTimeout: no equivalent here, not converted (value "30")',
        'topic.refunds.billing.refunds.mapping: not a table or codec setting of a declared topic (orders, payments.v2), not converted',
        expect.stringMatching(/^ssl\.truststore\.path: export the CA of \/etc\/kafka\/secrets\/cassandra\.truststore\.jks as PEM/),
      ]),
    );
    expect(warnings.some((warning) => warning.includes('tasks.max'))).toBe(false);
  });

  it('produces a config that validates', () => {
    expect(warnings.filter((warning) => warning.startsWith('still invalid'))).toEqual([]);
    expect(parseSinkConfig(config).topics.orders?.tables['shop.orders_by_id']?.consistencyLevel).toBe('LOCAL_QUORUM');
  });
});

describe('convertConnectorConfig profiles', () => {
  it('turns a secure connect bundle into an astra connection and drops levels Astra refuses', () => {
    const { config, warnings } = convertConnectorConfig({
      topics: 't',
      'cloud.secureConnectBundle': '/opt/bundle.zip',
      'auth.username': 'token',
      'auth.password': 'AstraCS:abc',
      'topic.t.ks.tbl.mapping': 'id=key',
      'topic.t.ks.tbl.consistencyLevel': 'LOCAL_ONE',
    });
    expect(config.connection).toMatchObject({ profile: 'astra', tokenSecretArn: expect.stringContaining('REPLACE_ME') as unknown });
    expect(config.topics.t?.tables['ks.tbl']).toEqual({ mapping: 'id=key' });
    expect(JSON.stringify({ config, warnings })).not.toContain('AstraCS:abc');
    expect(warnings).toContain(
      'topics.t.tables.ks.tbl.consistencyLevel: LOCAL_ONE dropped; astra takes writes at LOCAL_QUORUM (the connector raised it silently on Astra)',
    );
  });

  it('recognises the Keyspaces endpoint and caps the batch', () => {
    const { config, warnings } = convertConnectorConfig({
      topics: 't',
      contactPoints: 'cassandra.eu-central-1.amazonaws.com',
      port: '9142',
      maxNumberOfRecordsInBatch: '32',
      'topic.t.ks.tbl.mapping': 'id=key',
    });
    expect(config.connection).toEqual({ profile: 'keyspaces', region: 'eu-central-1', auth: { type: 'sigv4' } });
    expect(config.writer).toEqual({ maxNumberOfRecordsInBatch: 30 });
    expect(warnings).toContain('maxNumberOfRecordsInBatch: 32 lowered to 30, the Keyspaces batch quota');
  });

  it('copies a mapping that does not parse, with a warning', () => {
    const { config, warnings } = convertConnectorConfig({
      topics: 't',
      contactPoints: 'h',
      'loadBalancing.localDc': 'dc',
      'topic.t.ks.tbl.mapping': 'id=key,',
    });
    expect(config.topics.t?.tables['ks.tbl']?.mapping).toBe('id=key,');
    expect(warnings[0]).toMatch(
      /^topics\.t\.tables\.ks\.tbl\.mapping: copied unchanged, it does not parse: mapping: expected a column name at position 7/,
    );
    expect(warnings.some((warning) => warning.startsWith('still invalid: topics.t.tables.ks.tbl.mapping'))).toBe(true);
  });
});

describe('parseProperties', () => {
  it('reads separators, comments, continuations and escapes as Java does', () => {
    expect(parseProperties('# c\n! c\na=1\nb : 2\nc 3\nd=x\\\n   y\ne=\\u00e9\\tz\nf\\=g=h\nempty=\n')).toEqual({
      a: '1',
      b: '2',
      c: '3',
      d: 'xy',
      e: 'é\tz',
      'f=g': 'h',
      empty: '',
    });
  });
});
