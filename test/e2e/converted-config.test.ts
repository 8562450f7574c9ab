import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { convertConnectorConfig } from '../../lambdas/core/config/connector.js';
import { main } from '../../local/cli/main.js';
import { demoTarget, type DemoTarget } from './support.js';
import { captureIo } from '../support/capture-io.js';

describe('a converted DataStax connector config on the local services', () => {
  const targets: DemoTarget[] = [];
  afterAll(async () => {
    for (const target of targets) await target.cleanup();
  });

  it('passes check --local without hand edits, every change to its connection stated', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const t = await demoTarget('e2e_converted');
    targets.push(t);
    const properties = [
      'name=orders-sink',
      'connector.class=com.datastax.oss.kafka.sink.CassandraSinkConnector',
      `topics=${t.topic}`,
      'contactPoints=10.0.1.10,10.0.1.11',
      'loadBalancing.localDc=eu-west-1a',
      'auth.provider=PLAIN',
      'auth.username=sink_writer',
      'auth.password=s3cr3t',
      'ssl.provider=JDK',
      'ssl.hostnameValidation=false',
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=false',
      `topic.${t.topic}.${t.keyspace}.orders_by_id.mapping=order_id=key, customer_id=value.customer_id, status=value.status, amount=value.amount`,
      `topic.${t.topic}.codec.timestamp=ISO_INSTANT`,
    ].join('\n');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kcs-converted-')), 'converted.yaml');
    writeFileSync(file, stringify(convertConnectorConfig(properties).config));

    const io = captureIo();
    expect(await main(['check', '--local', '--config', file], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain(`every mapping fits its table (${t.keyspace}.orders_by_id)`);
    const notes = io.stderr.join('\n');
    expect(notes).toContain('--local: contact points 10.0.1.10:9042, 10.0.1.11:9042 →');
    expect(notes).toContain('--local: localDataCenter "eu-west-1a" → datacenter1');
    expect(notes).toContain('--local: tls left out');
    expect(notes).toMatch(/--local: credentialsSecretArn \(the placeholder .*REPLACE_ME-cassandra-credentials\) → the local secret/);
    expect(notes).not.toContain('s3cr3t');
  });
});
