import { describe, expect, it } from 'vitest';
import type { DeployConfigInput } from '../../infra/config/deploy-schema.js';
import { parseDeployConfig, resolveDeployment } from '../../infra/config/load.js';
import { resourceOf, statementsOf } from './support/resources.js';
import { loadExample, synth, type Synthesized } from './support/synth.js';
import { deployConfig } from '../kit/index.js';

/*
 * What Lambda needs to create and run the Kafka event source mappings, per
 * example, from the synthesized templates (no emulator checks IAM or creates
 * Kafka mappings: the template is the proof), and how the operator controls
 * them: Enabled, metrics and system logs.
 */

const SELF_MANAGED_DESCRIBES = ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'];
const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;

type Statement = ReturnType<typeof statementsOf>[number] & { Condition?: unknown };

/** The sink role's statements that grant `action`, whatever else they grant. */
function sinkStatements(synthesized: Synthesized, action: string): Statement[] {
  const template = synthesized.templates.Sink ?? fail();
  return statementsOf(template, 'SinkFunctionServiceRole').filter((statement) => [statement.Action].flat().includes(action));
}

function managedPolicies(synthesized: Synthesized, rolePrefix: string): string {
  const role = Object.entries((synthesized.templates.Sink ?? fail()).findResources('AWS::IAM::Role')).find(([id]) =>
    id.startsWith(rolePrefix),
  );
  return JSON.stringify((role?.[1] as { Properties?: { ManagedPolicyArns?: unknown } } | undefined)?.Properties?.ManagedPolicyArns ?? []);
}

function kafkaMappings(synthesized: Synthesized): { Properties: Record<string, unknown> }[] {
  const all = Object.values(
    (synthesized.templates.Sink ?? fail()).findResources('AWS::Lambda::EventSourceMapping') as Record<
      string,
      { Properties: Record<string, unknown> }
    >,
  );
  return all.filter((mapping) => mapping.Properties.Topics !== undefined);
}

function fail(): never {
  throw new Error('missing Sink stack');
}

describe('self-managed Kafka (self-managed-astra.yaml): what the Lambda guide lists for the execution role', () => {
  const synthesized = synth(loadExample('self-managed-astra.yaml'));

  it('reads the SCRAM secret and the root CA secret', () => {
    const resources = sinkStatements(synthesized, 'secretsmanager:GetSecretValue').flatMap((statement) => [statement.Resource].flat());
    expect(resources).toEqual(expect.arrayContaining([secret('kafka/sink-user-MnOpQr'), secret('kafka/root-ca-StUvWx')]));
  });

  it('describes VPCs, subnets, security groups and network interfaces on "*", the only resource IAM accepts for them', () => {
    const describes = sinkStatements(synthesized, 'ec2:DescribeVpcs');
    expect(describes).toHaveLength(1);
    expect([describes[0]?.Action].flat().sort()).toEqual(SELF_MANAGED_DESCRIBES);
    expect(describes[0]?.Resource).toBe('*');
  });

  it('creates network interfaces only in the mapping subnets with its security group, and deletes them', () => {
    const text = (action: string) => JSON.stringify(sinkStatements(synthesized, action).map((statement) => statement.Resource));
    const create = text('ec2:CreateNetworkInterface');
    expect(create).toContain(':ec2:eu-west-1:123456789012:network-interface/*');
    expect(create).toContain(':ec2:eu-west-1:123456789012:subnet/subnet-0a1b2c3d4e5f60718');
    expect(create).toContain(':ec2:eu-west-1:123456789012:subnet/subnet-0f1e2d3c4b5a60718');
    expect(create).toMatch(
      /:ec2:eu-west-1:123456789012:security-group\/"?,?\{"Fn::GetAtt":\["NetworkSecurityGroup[0-9A-F]+","GroupId"\]\}/,
    );
    expect(text('ec2:DeleteNetworkInterface')).toContain(':ec2:eu-west-1:123456789012:network-interface/*');
    expect(text('ec2:DeleteNetworkInterface')).not.toContain('subnet/');
  });

  it('polls (existing secrets: nothing to wait for), and the not-polling alarm notifies', () => {
    const template = synthesized.templates.Sink ?? fail();
    expect(kafkaMappings(synthesized).map((mapping) => mapping.Properties.Enabled)).toEqual([true]);
    expect(kafkaMappings(synthesized)[0]?.Properties).toMatchObject({
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
      LoggingConfig: { SystemLogLevel: 'WARN' },
    });
    expect(resourceOf(template, 'AWS::CloudWatch::Alarm', 'the mappings stopped polling').Properties).toMatchObject({
      TreatMissingData: 'breaching',
      ActionsEnabled: true,
    });
    expect(template.findOutputs('NextStep')).toEqual({});
  });

  it('grants no KMS decrypt through Secrets Manager when no secrets key is given (only the dead-letter key)', () => {
    const decrypts = sinkStatements(synthesized, 'kms:Decrypt');
    expect(decrypts.filter((statement) => statement.Condition !== undefined)).toEqual([]);
    expect(JSON.stringify(decrypts.map((statement) => statement.Resource))).toMatch(
      /^\[\{"Fn::GetAtt":\["DeadLetterKey[0-9A-F]+","Arn"\]\}\]$/,
    );
  });
});

describe.each(['msk-cassandra.yaml', 'msk-keyspaces.yaml', 'dev-keyspaces.yaml'])(
  'MSK (%s): aws-cdk-lib grants what the Lambda guide lists',
  (example) => {
    const synthesized = synth(loadExample(example));

    it('attaches AWSLambdaMSKExecutionRole (kafka:DescribeClusterV2, GetBootstrapBrokers, the VPC actions) and describes the cluster', () => {
      expect(managedPolicies(synthesized, 'SinkFunctionServiceRole')).toContain('service-role/AWSLambdaMSKExecutionRole');
      expect(sinkStatements(synthesized, 'kafka:GetBootstrapBrokers')).toHaveLength(1);
    });

    it('adds none of the self-managed grants', () => {
      expect(sinkStatements(synthesized, 'ec2:DescribeVpcs')).toEqual([]);
      expect(sinkStatements(synthesized, 'ec2:CreateNetworkInterface')).toEqual([]);
    });

    it('publishes every event source metric and WARN system logs', () => {
      for (const mapping of kafkaMappings(synthesized)) {
        expect(mapping.Properties).toMatchObject({
          MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
          LoggingConfig: { SystemLogLevel: 'WARN' },
        });
      }
      expect(kafkaMappings(synthesized).length).toBeGreaterThan(0);
    });
  },
);

const cassandraSink = {
  connection: {
    profile: 'cassandra',
    contactPoints: ['db.internal:9042'],
    localDataCenter: 'dc1',
    credentialsSecretArn: secret('db-AbCdEf'),
  },
  topics: { orders: { tables: { 'shop.t': { mapping: 'id=key' } } } },
};

function variant(extra: Partial<DeployConfigInput>): Synthesized {
  const kafka: DeployConfigInput['kafka'] = { type: 'self-managed', bootstrapServers: ['b1.internal:9094'], auth: { type: 'none' } };
  const deploy = parseDeployConfig(deployConfig({ sinkConfig: 's.yaml', kafka, ...extra }), 'deploy.yaml');
  return synth(resolveDeployment(deploy, cassandraSink, 's.yaml'));
}

describe('self-managed Kafka without a private CA, secrets under a customer-managed key, paused, no metrics or logs', () => {
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
  const synthesized = variant({
    kafka: {
      type: 'self-managed',
      bootstrapServers: ['b1.internal:9094'],
      auth: { type: 'plain', secretArn: secret('k-AbCdEf') },
      secretsKeyArn: keyArn,
    },
    eventSource: { enabled: false, metrics: [], logLevel: 'off' },
  });

  it('decrypts with the key only through Secrets Manager, for the sink and the replay function', () => {
    const decrypt = sinkStatements(synthesized, 'kms:Decrypt').filter((statement) => statement.Resource === keyArn);
    expect(decrypt).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } }),
    ]);
    const replay = statementsOf(synthesized.templates.Sink ?? fail(), 'ReplayFunctionServiceRole').filter(
      (statement) => statement.Resource === keyArn,
    );
    expect(replay).toHaveLength(1);
  });

  it('reads no root CA secret when there is none', () => {
    const resources = sinkStatements(synthesized, 'secretsmanager:GetSecretValue').flatMap((statement) => [statement.Resource].flat());
    expect(resources).not.toContainEqual(expect.stringContaining('root-ca'));
  });

  it('deploys the mapping disabled, without metrics config or logging config', () => {
    const [mapping] = kafkaMappings(synthesized);
    expect(mapping?.Properties.Enabled).toBe(false);
    expect(mapping?.Properties).not.toHaveProperty('MetricsConfig');
    expect(mapping?.Properties).not.toHaveProperty('LoggingConfig');
  });

  it('keeps the not-polling alarm silent while paused on purpose', () => {
    const alarm = resourceOf(synthesized.templates.Sink ?? fail(), 'AWS::CloudWatch::Alarm', 'the mappings stopped polling');
    expect(alarm.Properties).toMatchObject({ MetricName: 'OffsetLag', ActionsEnabled: false });
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});
