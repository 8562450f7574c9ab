/**
 * Sink and deployment config builders. The local one (the local Cassandra,
 * credentials from a secret) is shared with the soak run and the fault
 * harness, so it lives in local/services/fixtures.ts and is re-exported here.
 */
import type { SinkConfigInput } from '../../lambdas/core/config/schema.js';
import type { DeployConfigInput } from '../../infra/config/deploy-schema.js';
import { localSinkConfig } from '../../local/services/fixtures.js';

export { localSinkConfig, type LocalSinkConfigOptions } from '../../local/services/fixtures.js';

/** The local sink config as the `SINK_CONFIG` environment variable carries it (JSON text). */
export function localSinkConfigText(
  credentialsSecretArn: string,
  topics: SinkConfigInput['topics'],
  writer?: SinkConfigInput['writer'],
): string {
  return JSON.stringify(localSinkConfig({ credentialsSecretArn, topics, ...(writer === undefined ? {} : { writer }) }));
}

/** A Cassandra connection for unit tests (nothing connects to it). */
export const unitConnection: Extract<SinkConfigInput['connection'], { profile: 'cassandra' }> = {
  profile: 'cassandra',
  contactPoints: ['127.0.0.1'],
  localDataCenter: 'dc1',
};

/** A sink config for unit tests: `unitConnection` and the given topics. */
export function unitSinkConfig(
  topics: SinkConfigInput['topics'],
  extra: Omit<SinkConfigInput, 'connection' | 'topics'> = {},
): SinkConfigInput {
  return { connection: unitConnection, ...extra, topics };
}

/** An account, region, MSK cluster and network for synth tests: well-formed ids that exist nowhere. */
export const testAccount = { account: '123456789012', region: 'eu-west-1' } as const;
export const testClusterArn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2';
export const testNetwork = { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['eu-west-1a'], subnetIds: ['subnet-0a1b2c3d4e5f60718'] };

/** A deployment config: `testAccount`, sink config `sink.yaml`, `testNetwork`, the MSK cluster `testClusterArn`; `overrides` replace whole settings. */
export function deployConfig(overrides: Partial<DeployConfigInput> = {}): DeployConfigInput {
  return {
    env: testAccount,
    sinkConfig: 'sink.yaml',
    network: testNetwork,
    kafka: { type: 'msk', clusterArn: testClusterArn },
    ...overrides,
  };
}
