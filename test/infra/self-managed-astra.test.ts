import { describe, expect, it } from 'vitest';
import { grantsOf, resourceOf } from './support/resources.js';
import { loadExample, synth } from './support/synth.js';

// Self-managed Kafka (SASL/SCRAM-512, private CA) into Astra, existing VPC, a created security group.
const synthesized = synth(loadExample('self-managed-astra.yaml'));
const template = synthesized.templates.Sink;
if (template === undefined) throw new Error('no Sink stack');
const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', 'SelfManagedEventSource');
const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;

describe('self-managed + astra', () => {
  it('consumes the bootstrap servers with provisioned pollers', () => {
    expect(mapping.Properties).toMatchObject({
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['broker-1.kafka.internal:9096', 'broker-2.kafka.internal:9096'] } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders-astra-sink-sink-orders' },
      Topics: ['orders'],
      StartingPosition: 'LATEST',
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 8 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 432_000,
      BisectBatchOnFunctionError: true,
    });
  });

  it('authenticates with the SCRAM secret, trusts the private CA and polls from the VPC', () => {
    const sg = resourceOf(template, 'AWS::EC2::SecurityGroup');
    expect(mapping.Properties.SourceAccessConfigurations).toEqual([
      { Type: 'SASL_SCRAM_512_AUTH', URI: arn('kafka/sink-user-MnOpQr') },
      { Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: arn('kafka/root-ca-StUvWx') },
      { Type: 'VPC_SECURITY_GROUP', URI: { 'Fn::GetAtt': [sg.id, 'GroupId'] } },
      { Type: 'VPC_SUBNET', URI: 'subnet-0a1b2c3d4e5f60718' },
      { Type: 'VPC_SUBNET', URI: 'subnet-0f1e2d3c4b5a60718' },
    ]);
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('reads the Astra token and bundle secrets, and creates none', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const resources = grantsOf(template, 'SinkFunctionServiceRole', 'secretsmanager:GetSecretValue').flat();
    expect(resources).toEqual(expect.arrayContaining([arn('astra/token-GhIjKl'), arn('astra/bundle-AbCdEf')]));
  });

  it('gives the replay function the Kafka coordinates to re-read records', () => {
    const replay = resourceOf(template, 'AWS::Lambda::Function', 'replays dead-lettered records');
    expect(replay.Properties.Environment).toMatchObject({
      Variables: { KAFKA_BOOTSTRAP_SERVERS: 'broker-1.kafka.internal:9096,broker-2.kafka.internal:9096', KAFKA_AUTH: 'sasl-scram-512' },
    });
    // No filters in this example: the replay function writes every record of a range.
    expect(Object.keys((replay.Properties.Environment as { Variables: Record<string, unknown> }).Variables)).not.toContain('KAFKA_FILTERS');
  });

  it('has no Keyspaces or MSK permissions', () => {
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'cassandra:Modify')).toEqual([]);
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'kafka-cluster:Connect')).toEqual([]);
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});
