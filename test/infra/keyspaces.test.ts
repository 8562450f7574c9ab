import { describe, expect, it } from 'vitest';
import { grantsOf, resourceOf } from './support/resources.js';
import { loadExample, synth } from './support/synth.js';

const table = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cassandra:eu-west-1:123456789012:/keyspace/shop/table/${name}`]],
});

describe('msk + keyspaces in a created VPC', () => {
  const synthesized = synth(loadExample('msk-keyspaces.yaml'));
  const template = synthesized.templates.Sink;
  if (template === undefined) throw new Error('no Sink stack');

  it('writes and reads only the sink tables, and reads the system keyspaces', () => {
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'cassandra:Modify').flat()).toEqual(
      expect.arrayContaining([table('orders_by_id'), table('orders_by_customer')]),
    );
    const selects = JSON.stringify(grantsOf(template, 'SinkFunctionServiceRole', 'cassandra:Select'));
    expect(selects).toContain(':cassandra:eu-west-1:123456789012:/keyspace/system*');
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'secretsmanager:GetSecretValue')).toEqual([]);
  });

  it('creates the VPC in the configured zones, with flow logs', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    for (const zone of ['eu-west-1a', 'eu-west-1b']) template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: zone });
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('starts at the configured timestamp', () => {
    const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', 'AmazonManagedKafkaEventSourceConfig');
    expect(mapping.Properties).toMatchObject({ StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: 1_767_225_600 });
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});

describe('dev stack: MSK with IAM and the Keyspaces tables', () => {
  const synthesized = synth(loadExample('dev-keyspaces.yaml'));
  const dev = synthesized.templates.Dev;
  const sink = synthesized.templates.Sink;
  if (dev === undefined || sink === undefined) throw new Error('missing stacks');

  it('creates a TLS-only MSK cluster with IAM access control and broker logs', () => {
    dev.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 2,
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true } } },
    });
  });

  it('creates the keyspace and tables from dev.tables, client timestamps only where the sink uses them', () => {
    dev.resourceCountIs('AWS::Cassandra::Keyspace', 1);
    const byId = resourceOf(dev, 'AWS::Cassandra::Table', '"TableName":"orders_by_id"');
    expect(byId.Properties).toMatchObject({
      KeyspaceName: 'shop',
      PartitionKeyColumns: [{ ColumnName: 'order_id', ColumnType: 'uuid' }],
      ClientSideTimestampsEnabled: true,
    });
    const byCustomer = resourceOf(dev, 'AWS::Cassandra::Table', '"TableName":"orders_by_customer"');
    expect(byCustomer.Properties).toMatchObject({
      PartitionKeyColumns: [{ ColumnName: 'customer_id', ColumnType: 'text' }],
      ClusteringKeyColumns: [
        { Column: { ColumnName: 'created_at', ColumnType: 'timestamp' }, OrderBy: 'DESC' },
        { Column: { ColumnName: 'order_id', ColumnType: 'uuid' }, OrderBy: 'ASC' },
      ],
    });
    expect(byCustomer.Properties).not.toHaveProperty('ClientSideTimestampsEnabled');
  });

  it('points the sink at the dev cluster and its client security group', () => {
    const mapping = resourceOf(sink, 'AWS::Lambda::EventSourceMapping', 'AmazonManagedKafkaEventSourceConfig');
    expect(JSON.stringify(mapping.Properties.EventSourceArn)).toContain('Fn::ImportValue');
    const fn = resourceOf(sink, 'AWS::Lambda::Function', 'Kafka batches to CQL writes');
    expect(JSON.stringify(fn.Properties.VpcConfig)).toContain('ClientSecurityGroup');
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});
