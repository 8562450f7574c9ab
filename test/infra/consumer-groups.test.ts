import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSUMER_GROUP_ID_PATTERN, defaultConsumerGroupId } from '../../infra/config/consumer-groups.js';
import type { DeployConfigInput } from '../../infra/config/deploy-schema.js';
import { parseDeployConfig, resolveDeployment, type Deployment } from '../../infra/config/load.js';
import { ConfigError } from '../../lambdas/core/errors.js';
import { grantsOf } from './support/resources.js';
import { synth } from './support/synth.js';
import { deployConfig, testClusterArn as clusterArn } from '../kit/index.js';

const base: DeployConfigInput = { stackName: 'pay', ...deployConfig() };
const table = { tables: { 'shop.t': { mapping: 'id=key, v=value.v' } } };
const sinkWith = (...topics: string[]) => ({
  connection: { profile: 'keyspaces', region: 'eu-west-1' },
  topics: Object.fromEntries(topics.map((topic) => [topic, table])),
});

function resolve(eventSource: DeployConfigInput['eventSource'], topics: string[] = ['orders']): Deployment {
  return resolveDeployment(parseDeployConfig({ ...base, eventSource }, 'deploy.yaml'), sinkWith(...topics), 'sink.yaml');
}

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const groupsOf = (deployment: Deployment) =>
  Object.fromEntries(Object.entries(deployment.consumerGroups).map(([topic, group]) => [topic, group.id]));

describe('consumer group of each topic', () => {
  it('derives a topic’s default group from the stack and the topic only, whatever the other topics', () => {
    expect(groupsOf(resolve({}))).toEqual({ orders: 'pay-sink-orders' });
    expect(groupsOf(resolve({}, ['orders', 'payments']))).toEqual({ orders: 'pay-sink-orders', payments: 'pay-sink-payments' });
    expect(resolve({}).consumerGroups.orders?.pinned).toBe(false);
  });

  it('keeps consumerGroupId for a single topic, pinned', () => {
    expect(resolve({ consumerGroupId: 'pay-sink' }).consumerGroups).toEqual({ orders: { id: 'pay-sink', pinned: true } });
  });

  it('takes consumerGroups per topic, a default for the others', () => {
    const deployment = resolve({ consumerGroups: { orders: 'pay-sink' } }, ['orders', 'payments']);
    expect(deployment.consumerGroups).toEqual({
      orders: { id: 'pay-sink', pinned: true },
      payments: { id: 'pay-sink-payments', pinned: false },
    });
  });

  it('refuses consumerGroupId with several topics, showing what to write instead', () => {
    expect(problems(() => resolve({ consumerGroupId: 'pay' }, ['orders', 'payments']))).toEqual([
      'deployment config: eventSource.consumerGroupId: only allowed with one consumed topic (got 2: orders, payments); set eventSource.consumerGroups, ' +
        'one group per topic, instead. To keep the groups of a stack deployed with these topics, write consumerGroups: {orders: pay-orders, payments: pay-payments}; ' +
        'if the stack consumed only one of them until now, give that one pay, e.g. consumerGroups: {orders: pay} (a topic without an entry gets ' +
        '<stack>-sink-<topic>) (got "pay")',
    ]);
  });

  it('rejects a group for a topic that is not consumed, a shared group, both settings and a bad id', () => {
    expect(problems(() => resolve({ topics: ['orders'], consumerGroups: { payments: 'g' } }, ['orders', 'payments']))).toEqual([
      'deployment config: eventSource.consumerGroups.payments: "payments" is not a consumed topic (orders)',
    ]);
    expect(problems(() => resolve({ consumerGroups: { orders: 'g', payments: 'g' } }, ['orders', 'payments']))).toEqual([
      'deploy.yaml: eventSource.consumerGroups.payments: already the group of orders: a group id must be unique per mapping (got "g")',
    ]);
    // An explicit group equal to another topic's default is caught once both are resolved.
    expect(problems(() => resolve({ consumerGroups: { orders: 'pay-sink-payments' } }, ['orders', 'payments']))).toEqual([
      'deployment config: eventSource.consumerGroups.payments: topics orders and payments both use group "pay-sink-payments"; a group id must be unique per mapping',
    ]);
    expect(problems(() => resolve({ consumerGroupId: 'a', consumerGroups: { orders: 'b' } }))).toEqual([
      'deploy.yaml: eventSource.consumerGroupId: not allowed with consumerGroups: name the group of every topic there (got "a")',
    ]);
    expect(problems(() => resolve({ consumerGroups: { orders: 'no spaces' } }))).toEqual([
      'deploy.yaml: eventSource.consumerGroups.orders: expected 1-200 of letters, digits and -/*:_+=.@ (got "no spaces")',
    ]);
  });

  it('fits every topic name into a group id, or asks for one when the default is too long', () => {
    // Kafka topic names use letters, digits, ".", "_" and "-": all allowed in a group id.
    expect(defaultConsumerGroupId('a-Stack-61', 'Topic_with.all-chars09')).toMatch(CONSUMER_GROUP_ID_PATTERN);
    const long = 't'.repeat(200);
    const [problem, ...others] = problems(() => resolve({}, [long]));
    expect(others).toEqual([]);
    expect(problem).toMatch(
      new RegExp(
        `^deployment config: eventSource\\.consumerGroups\\.${long}: required, the default group "pay-sink-t+.* is 209 characters \\(at most 200\\)$`,
      ),
    );
  });
});

describe('synthesized groups, warnings and MSK IAM grants', () => {
  const synthesized = synth(resolve({ consumerGroups: { orders: 'pay-sink' } }, ['orders', 'payments']));
  const template = synthesized.templates.Sink ?? fail();

  it('gives each mapping its topic’s group', () => {
    for (const [topic, group] of [
      ['orders', 'pay-sink'],
      ['payments', 'pay-sink-payments'],
    ]) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        Topics: [topic],
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: group },
      });
    }
  });

  it('lets the pollers alter exactly those groups (MSK IAM)', () => {
    const group = (name: string) => `${clusterArn.replace(':cluster/', ':group/')}/${name}`;
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'kafka-cluster:AlterGroup')).toEqual([
      [group('pay-sink'), group('pay-sink-payments')],
    ]);
  });

  it('warns at synth about a derived group, naming it and how to pin it; not about a pinned one', () => {
    const warnings = warningsOf(synthesized.outdir).filter((warning) => warning.includes('consumer group'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('topic payments consumes in the default consumer group "pay-sink-payments"');
    expect(warnings[0]).toContain('pin it with eventSource.consumerGroups: {payments: pay-sink-payments}');
    expect(warnings[0]).toContain('its group is "pay-sink": pin that one instead');
  });
});

/** The warning annotations the CLI prints, as recorded in the cloud assembly (the manifest or each stack's metadata file). */
function warningsOf(outdir: string): string[] {
  type Entries = Record<string, { type: string; data: unknown }[]>;
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { metadata?: Entries; additionalMetadataFile?: string }>;
  };
  return Object.values(manifest.artifacts ?? {})
    .flatMap((artifact) => {
      const extra =
        artifact.additionalMetadataFile === undefined
          ? {}
          : (JSON.parse(readFileSync(join(outdir, artifact.additionalMetadataFile), 'utf8')) as Entries);
      return [...Object.values(artifact.metadata ?? {}), ...Object.values(extra)].flat();
    })
    .filter((entry) => entry.type === 'aws:cdk:warning')
    .map((entry) => String(entry.data));
}

function fail(): never {
  throw new Error('no Sink stack');
}
