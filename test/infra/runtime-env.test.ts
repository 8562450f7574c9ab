import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_NAME, REPLAY_SERVICE_NAME } from '../../lambdas/contract/metric-names.js';
import { readRuntimeEnvironment, RuntimeVariable, type RuntimeEnvironment } from '../../lambdas/contract/runtime-env.js';
import { resourceOf } from './support/resources.js';
import { EXAMPLES, loadExample, synth } from './support/synth.js';

/**
 * The runtime contract end to end: what the stack writes into each function's
 * Environment is what lambdas/contract/runtime-env.ts reads back, for every
 * example deployment. A value CloudFormation resolves at deploy time (a Ref,
 * an import) stands in as its JSON text.
 */

const deploymentFiles = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml') && !name.startsWith('sink.'));
const known = new Set<string>(Object.values(RuntimeVariable));

function environmentOf(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

describe('the functions read back the environment the stack writes', () => {
  for (const name of deploymentFiles) {
    it(name, () => {
      const { deployment, templates } = synth(loadExample(name));
      const template = templates.Sink ?? fail('no Sink stack');
      const read: Record<string, RuntimeEnvironment> = {};
      for (const fn of ['kafka-cql-sink: Kafka batches', 'kafka-cql-sink: replays']) {
        const variables = (
          resourceOf(template, 'AWS::Lambda::Function', fn).Properties.Environment as { Variables: Record<string, unknown> }
        ).Variables;
        // Nothing is written outside the contract.
        expect(Object.keys(variables).filter((variable) => !known.has(variable))).toEqual([]);
        read[fn] = readRuntimeEnvironment(environmentOf(variables));
      }
      const sink = read['kafka-cql-sink: Kafka batches'] ?? fail('no sink function');
      const replay = read['kafka-cql-sink: replays'] ?? fail('no replay function');
      const { deploy } = deployment;
      for (const env of [sink, replay]) {
        expect(env.sinkConfigFile).toBe('/var/task/sink-config.json');
        expect(env.nodeOptions).toBe('--enable-source-maps');
        expect(env.dlqUrl).toMatch(/"Ref":"DeadLetterDlq/);
        expect(env.dlqOverflowBucket).toMatch(/"Ref":"DeadLetterOverflowBucket/);
        expect(env.createdConnectionSecretArn === undefined).toBe(deploy.connectionSecret.mode !== 'create');
      }
      expect(sink.serviceName).toBe(DEFAULT_SERVICE_NAME);
      expect(replay.serviceName).toBe(REPLAY_SERVICE_NAME);
      expect(sink.kafkaAuth).toBeUndefined();
      expect(replay.kafkaFilters.patterns).toEqual(deploy.eventSource.filters ?? []);
      const kafka = deploy.kafka;
      if (kafka === undefined) {
        // The dev stack's cluster: an import of the dev stack's output.
        expect(replay).toMatchObject({ kafkaAuth: 'iam' });
        expect(replay.kafkaClusterArn).toMatch(/Fn::ImportValue/);
      } else if (kafka.type === 'msk') {
        expect(replay).toMatchObject({ kafkaAuth: kafka.auth.type, kafkaClusterArn: kafka.clusterArn });
        expect(replay.kafkaBootstrapServers).toBeUndefined();
      } else {
        expect(replay).toMatchObject({ kafkaAuth: kafka.auth.type, kafkaBootstrapServers: kafka.bootstrapServers });
        expect(replay.kafkaAuthSecretArn).toBe('secretArn' in kafka.auth ? kafka.auth.secretArn : undefined);
        expect(replay.kafkaRootCaSecretArn).toBe(kafka.rootCaSecretArn);
      }
    });
  }
});

function fail(message: string): never {
  throw new Error(message);
}
