import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as cassandra from 'aws-cdk-lib/aws-cassandra';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import type { Construct } from 'constructs';
import { parseTableName } from '../../lambdas/core/config/table-name.js';
import type { DevConfig, DevTableConfig } from '../config/deploy-schema.js';
import type { Deployment } from '../config/load.js';
import { createVpc, deploymentZones } from '../constructs/network.js';
import { acknowledgeDevStack } from './nag-acknowledgements.js';

export interface DevStackProps extends StackProps {
  readonly deployment: Deployment;
}

/** MSK's port for IAM access control over TLS. */
const MSK_IAM_PORT = 9098;

/**
 * Something to try the sink against: a two-broker MSK cluster with IAM access
 * control in its own VPC and, on the keyspaces profile, the sink's keyspaces
 * and tables as declared in `dev.tables`. Not for production data.
 */
export class DevStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly clusterArn: string;
  /** For the sink functions: the brokers admit this group. */
  readonly clientSecurityGroup: ec2.SecurityGroup;
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: DevStackProps) {
    super(scope, id, props);
    const { deploy, sink } = props.deployment;
    const dev: DevConfig = deploy.dev ?? {
      msk: { instanceType: 'kafka.t3.small', kafkaVersion: '3.6.0' },
      tables: {},
      availabilityZones: undefined,
    };
    this.zones = deploymentZones({ ...deploy, dev });
    this.vpc = createVpc(this, 'Vpc', this.zones, 1);
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: this.vpc,
      description: 'kafka-cql-sink functions (egress only)',
      allowAllOutbound: true,
    });
    const brokers = new ec2.SecurityGroup(this, 'BrokerSecurityGroup', {
      vpc: this.vpc,
      description: 'dev MSK brokers',
      allowAllOutbound: true,
    });
    // The sink functions reach the brokers; the MSK event source mapping's
    // pollers use the cluster's own security group, so it must admit itself.
    brokers.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'kafka-cql-sink functions (IAM over TLS)');
    brokers.addIngressRule(brokers, ec2.Port.tcp(MSK_IAM_PORT), 'Lambda event source mapping pollers');
    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', { retention: logs.RetentionDays.ONE_WEEK });
    const privateSubnets = this.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    const cluster = new msk.CfnCluster(this, 'Cluster', {
      clusterName: `${deploy.stackName}-dev`,
      kafkaVersion: dev.msk.kafkaVersion,
      numberOfBrokerNodes: privateSubnets.length,
      brokerNodeGroupInfo: {
        instanceType: dev.msk.instanceType,
        clientSubnets: privateSubnets,
        securityGroups: [brokers.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: 10 } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
    });
    this.clusterArn = cluster.attrArn;
    if (sink.connection.profile === 'keyspaces') this.createTables(dev.tables, props.deployment);
    new CfnOutput(this, 'ClusterArn', { value: cluster.attrArn });
    acknowledgeDevStack(this);
  }

  /** The configured zones, never a lookup: `cdk synth` runs without AWS credentials (see deploymentZones). */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }

  private createTables(tables: Record<string, DevTableConfig>, deployment: Deployment): void {
    const keyspaces = new Map<string, cassandra.CfnKeyspace>();
    const clientTimestamps = new Map<string, boolean>();
    for (const topic of Object.values(deployment.sink.topics)) {
      for (const [key, table] of Object.entries(topic.tables))
        clientTimestamps.set(key, (clientTimestamps.get(key) ?? false) || table.clientTimestamps);
    }
    for (const [key, table] of Object.entries(tables)) {
      const name = parseTableName(key);
      if (name === undefined) throw new Error(`dev table key must be "keyspace.table" (got ${JSON.stringify(key)})`);
      let keyspace = keyspaces.get(name.keyspace);
      if (keyspace === undefined) {
        keyspace = new cassandra.CfnKeyspace(this, `Keyspace-${name.keyspace}`, { keyspaceName: name.keyspace });
        keyspaces.set(name.keyspace, keyspace);
      }
      const keyColumns = new Set([...table.partitionKey, ...table.clusteringKey.map((clustering) => clustering.column)]);
      const column = (columnName: string) => ({ columnName, columnType: table.columns[columnName] ?? 'text' });
      const cfnTable = new cassandra.CfnTable(this, `Table-${name.keyspace}-${name.table}`, {
        keyspaceName: name.keyspace,
        tableName: name.table,
        partitionKeyColumns: table.partitionKey.map(column),
        clusteringKeyColumns: table.clusteringKey.map((clustering) => ({ column: column(clustering.column), orderBy: clustering.order })),
        regularColumns: Object.keys(table.columns)
          .filter((columnName) => !keyColumns.has(columnName))
          .map(column),
        // Irreversible on Keyspaces: enabled only where the sink writes with USING TIMESTAMP.
        clientSideTimestampsEnabled: clientTimestamps.get(key) === true ? true : undefined,
        pointInTimeRecoveryEnabled: true,
      });
      cfnTable.addResourceDependency(keyspace);
    }
  }
}
