import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig, resolveDeployment } from '../../infra/config/load.js';
import type { DeployConfigInput } from '../../infra/config/deploy-schema.js';
import { resourceOf } from './support/resources.js';
import { synth } from './support/synth.js';
import { deployConfig } from '../kit/index.js';

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
const astraSink = {
  connection: { profile: 'astra', secureConnectBundle: { s3Uri: 's3://bundles/astra.zip' }, tokenSecretArn: arn('old-token-AbCdEf') },
  topics: { orders: { tables: { 'shop.t': { mapping: 'id=key, v=value.v' } } }, payments: { tables: { 'shop.p': { mapping: 'id=key' } } } },
};

function variant(kafka: DeployConfigInput['kafka'], extra: Partial<DeployConfigInput> = {}, sinkInput: unknown = astraSink) {
  const deploy = parseDeployConfig(deployConfig({ sinkConfig: 's.yaml', kafka, ...extra }), 'deploy.yaml');
  return synth(resolveDeployment(deploy, sinkInput, 's.yaml'));
}

describe('self-managed authentication variants', () => {
  const cases = [
    { auth: { type: 'sasl-scram-256', secretArn: arn('k-AbCdEf') }, expected: 'SASL_SCRAM_256_AUTH' },
    { auth: { type: 'plain', secretArn: arn('k-AbCdEf') }, expected: 'BASIC_AUTH' },
    { auth: { type: 'mtls', secretArn: arn('k-AbCdEf') }, expected: 'CLIENT_CERTIFICATE_TLS_AUTH' },
    { auth: { type: 'none' }, expected: undefined },
  ] as const;
  for (const { auth, expected } of cases) {
    it(`${auth.type}: ${expected ?? 'no credentials, VPC only'}`, () => {
      const { templates, nagFindings } = variant({ type: 'self-managed', bootstrapServers: ['b1.internal:9094'], auth });
      const mapping = resourceOf(templates.Sink ?? fail(), 'AWS::Lambda::EventSourceMapping', '"Topics":["orders"]');
      const types = (mapping.Properties.SourceAccessConfigurations as { Type: string }[]).map((config) => config.Type);
      expect(types).toEqual([...(expected === undefined ? [] : [expected]), 'VPC_SECURITY_GROUP', 'VPC_SUBNET']);
      expect(nagFindings).toEqual([]);
    });
  }
});

describe('msk with SASL/SCRAM, several topics, a created Astra token secret', () => {
  const synthesized = variant(
    {
      type: 'msk',
      clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2',
      auth: { type: 'sasl-scram-512', secretArn: arn('AmazonMSK_sink-AbCdEf') },
    },
    {
      stackName: 'pay',
      connectionSecret: { mode: 'create' },
      eventSource: { consumerGroups: { orders: 'pay-orders', payments: 'pay-payments' } },
    },
  );
  const template = synthesized.templates.Sink ?? fail();

  it('maps each topic with its own consumer group and the SCRAM secret', () => {
    for (const topic of ['orders', 'payments']) {
      const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', `"Topics":["${topic}"]`);
      expect(mapping.Properties).toMatchObject({
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `pay-${topic}` },
        SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: arn('AmazonMSK_sink-AbCdEf') }],
      });
    }
  });

  it('reads the Astra bundle from S3', () => {
    expect(JSON.stringify(template.toJSON())).toContain(':s3:::bundles/astra.zip');
  });

  it('puts no secret value in the template or the bundled config', () => {
    const secret = resourceOf(template, 'AWS::SecretsManager::Secret');
    expect(secret.Properties).not.toHaveProperty('SecretString');
    const texts = [JSON.stringify(template.toJSON())];
    const assets = readdirSync(synthesized.outdir).filter((name) => name.startsWith('asset.'));
    for (const asset of assets) texts.push(readFileSync(join(synthesized.outdir, asset, 'sink-config.json'), 'utf8'));
    for (const text of texts) {
      expect(text).not.toMatch(/AstraCS:|"password"\s*:|"SecretString"/);
    }
    // The bundled config names the created secret (partial ARN), not the old one.
    expect(texts[1]).toContain(`"tokenSecretArn": "${arn('pay/connection')}"`);
    expect(texts[1]).not.toContain('old-token');
    expect(texts[0]).not.toContain('old-token');
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});

function fail(): never {
  throw new Error('missing Sink stack');
}
