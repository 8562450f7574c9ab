import { describe, expect, it } from 'vitest';
import { parseDeployConfig, type Deployment } from '../../infra/config/load.js';
import { exampleWithTopics, kafkaMappings } from './support/mappings.js';
import { synth } from './support/synth.js';

// A stack's Kafka mappings share one provisioned poller group by default, so several topics do not
// each pay an EPU floor; the mappings' logical ids and consumer groups stay as they were
// (mapping-ids.test.ts pins those against the committed snapshot).

type KafkaMapping = { Properties: { Topics?: string[]; ProvisionedPollerConfig?: Record<string, unknown> } };

const base = exampleWithTopics('msk-keyspaces.yaml', ['payments']);

function withEventSource(deployment: Deployment, eventSource: Record<string, unknown>): Deployment {
  return { ...deployment, deploy: { ...deployment.deploy, eventSource: { ...deployment.deploy.eventSource, ...eventSource } } };
}

function pollerConfigs(deployment: Deployment): Record<string, unknown>[] {
  const template = synth(deployment).templates.Sink;
  if (template === undefined) throw new Error('no Sink stack');
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping') as Record<string, KafkaMapping>).filter(
    (m) => m.Properties.Topics !== undefined,
  );
  return mappings.map((m) => m.Properties.ProvisionedPollerConfig ?? {});
}

describe('provisioned poller group', () => {
  it('puts every mapping of the stack in the group named after the stack by default', () => {
    const configs = pollerConfigs(base);
    expect(configs).toHaveLength(2);
    for (const config of configs) expect(config).toMatchObject({ PollerGroupName: 'orders-keyspaces-sink-pollers' });
  });

  it('uses the configured group name, and none with false', () => {
    for (const config of pollerConfigs(withEventSource(base, { pollerGroupName: 'shared-vpc_pollers' })))
      expect(config.PollerGroupName).toBe('shared-vpc_pollers');
    for (const config of pollerConfigs(withEventSource(base, { pollerGroupName: false }))) {
      expect(config).not.toHaveProperty('PollerGroupName');
      expect(config).toHaveProperty('MinimumPollers');
    }
  });

  it('changes no mapping logical id or consumer group', () => {
    const grouped = kafkaMappings(synth(base).templates.Sink ?? fail('no Sink stack'));
    const ungrouped = kafkaMappings(synth(withEventSource(base, { pollerGroupName: false })).templates.Sink ?? fail('no Sink stack'));
    expect(Object.keys(grouped)).toHaveLength(2);
    expect(grouped).toEqual(ungrouped);
  });

  it('fails at synth when the group would hold more than 2000 maximum pollers, naming the value', () => {
    expect(() => synth(withEventSource(base, { maximumPollers: 1500 }))).toThrow(
      /2 mappings × 1500 = 3000 maximum pollers in poller group "orders-keyspaces-sink-pollers".*\(got 1500\)/,
    );
    expect(() => synth(withEventSource(base, { maximumPollers: 1500, pollerGroupName: false }))).not.toThrow();
  });

  it('rejects a malformed group name in the deployment config', () => {
    const raw = {
      stackName: 's',
      sinkConfig: 'sink.yaml',
      env: { account: '123456789012', region: 'eu-west-1' },
      eventSource: { pollerGroupName: 'no spaces please' },
    };
    expect(() => parseDeployConfig(raw, 'd.yaml')).toThrow(/eventSource\.pollerGroupName/);
  });
});

function fail(message: string): never {
  throw new Error(message);
}
