import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeployConfig, NetworkConfig } from '../config/deploy-schema.js';

export interface SinkNetworkProps {
  /** An existing VPC (by attributes: no lookup) or `create`. Ignored when `vpc` is given. */
  readonly config?: NetworkConfig;
  /**
   * A VPC built elsewhere (the dev stack's).
   * @default - from `config`
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Security groups built elsewhere (the dev stack's client group).
   * @default - from `config`, else one egress-only group is created
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

/** Where the functions run: the VPC, its private subnets and the functions' security groups. */
export class SinkNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: SinkNetworkProps) {
    super(scope, id);
    const config = props.config;
    if (props.vpc !== undefined) {
      this.vpc = props.vpc;
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else if (config === undefined) {
      throw new Error('sink network needs a vpc or a network config (got neither)');
    } else if ('create' in config) {
      this.vpc = createVpc(this, 'Vpc', config.create.availabilityZones ?? defaultZones(Stack.of(this).region), config.create.natGateways);
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    } else {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: config.vpcId,
        availabilityZones: config.availabilityZones,
        privateSubnetIds: config.subnetIds,
      });
      this.subnets = { subnets: config.subnetIds.map((subnetId, index) => ec2.Subnet.fromSubnetId(this, `Subnet${index}`, subnetId)) };
    }
    const existing = config !== undefined && props.vpc === undefined && !('create' in config) ? config.securityGroupIds : undefined;
    this.securityGroups = props.securityGroups ??
      existing?.map((groupId, index) => ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${index}`, groupId)) ?? [
        // Egress-only: the functions open connections (Kafka, database, AWS APIs) and accept none.
        new ec2.SecurityGroup(this, 'SecurityGroup', {
          vpc: this.vpc,
          allowAllOutbound: true,
          description: 'kafka-cql-sink functions (egress only)',
        }),
      ];
  }
}

/**
 * The availability zones of a deployment's VPC, known at synth: the existing VPC's,
 * the created one's, or the dev stack's. The stacks answer `Stack.availabilityZones`
 * with these: its default asks the account (a context lookup), and a created `ec2.Vpc`
 * reads it to check its own zones, so `cdk synth` would need AWS credentials.
 */
export function deploymentZones(deploy: DeployConfig): string[] {
  const network = deploy.network;
  if (deploy.dev !== undefined) return deploy.dev.availabilityZones ?? defaultZones(deploy.env.region);
  if (network === undefined) throw new Error('deployment has neither `network` nor `dev` (the schema requires one)');
  if ('create' in network) return network.create.availabilityZones ?? defaultZones(deploy.env.region);
  return [...network.availabilityZones];
}

/** Two zones named after the region: explicit, because asking the account for its zones is a lookup. */
export function defaultZones(region: string): string[] {
  if (Token.isUnresolved(region)) throw new Error(`the vpc needs an explicit region to name its zones (got ${region})`);
  return [`${region}a`, `${region}b`];
}

/** A VPC with flow logs (kept 30 days): the sink's or the dev stack's. */
export function createVpc(scope: Construct, id: string, availabilityZones: readonly string[], natGateways: number): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, id, {
    availabilityZones: [...availabilityZones],
    natGateways,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
  });
  const flowLogs = new logs.LogGroup(scope, `${id}FlowLogs`, { retention: logs.RetentionDays.ONE_MONTH });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
  return vpc;
}
