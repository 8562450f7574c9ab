import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cutoverDeploySettings, deploymentGroups } from '../../../local/cli/cutover.js';
import { main } from '../../../local/cli/main.js';
import { repoRoot } from '../../../local/services/paths.js';
import { captureIo } from '../../support/capture-io.js';

const example = path.join(repoRoot, 'infra/examples/msk-cassandra.yaml');
const connectorFixture = path.join(repoRoot, 'test/fixtures/connector/cassandra-sink.properties');

describe('cut-over deployment settings', () => {
  it("reads each topic's group from a deployment config as synth resolves it", () => {
    expect(deploymentGroups(example)).toEqual({ orders: 'orders-sink' });
  });

  it('convert-connector-config --deploy-out writes groups that a deployment config takes as they are', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kcs-cutover-'));
    const settingsFile = path.join(dir, 'cutover.yaml');
    const io = captureIo();
    expect(
      await main(['convert-connector-config', connectorFixture, '--deploy-out', settingsFile, '--stack-name', 'orders-sink'], io),
    ).toBe(0);
    const text = readFileSync(settingsFile, 'utf8');
    expect(text).toContain(
      'migrate-offsets --from-group connect-orders-cassandra-sink --group-for orders=orders-sink-sink-orders,payments.v2=orders-sink-sink-payments.v2',
    );
    const settings = parse(text) as {
      stackName: string;
      eventSource: { startingPosition: string; consumerGroups: Record<string, string> };
    };
    expect(settings).toEqual({
      stackName: 'orders-sink',
      eventSource: {
        startingPosition: 'TRIM_HORIZON',
        consumerGroups: { orders: 'orders-sink-sink-orders', 'payments.v2': 'orders-sink-sink-payments.v2' },
      },
    });
    expect(io.stderr.join('\n')).toContain(`wrote the cut-over deployment settings (consumer group per topic) to ${settingsFile}`);

    // Merged into a deployment config over the converted sink config, they are the groups the stack uses.
    const sinkFile = path.join(dir, 'sink.yaml');
    writeFileSync(sinkFile, io.stdout.join('\n'));
    const deploy = parse(readFileSync(example, 'utf8')) as Record<string, Record<string, unknown>>;
    const merged = { ...deploy, stackName: settings.stackName, sinkConfig: sinkFile, eventSource: { ...settings.eventSource } };
    const deployFile = path.join(dir, 'deploy.yaml');
    writeFileSync(deployFile, stringify(merged));
    expect(deploymentGroups(deployFile)).toEqual(settings.eventSource.consumerGroups);
  });

  it('names the connector group placeholder when the properties have no name', () => {
    expect(cutoverDeploySettings(undefined, ['t'], 'kafka-cql-sink')).toContain(
      '--from-group connect-<connector name> --group-for t=kafka-cql-sink-sink-t',
    );
  });

  it('rejects contradicting or malformed migrate-offsets flags with exit 2', async () => {
    const cases: [string[], string][] = [
      [['--to-group', 'g', '--local'], 'give one of --connector-name <name> or --from-group <group>'],
      [
        ['--connector-name', 'c', '--from-group', 'connect-c', '--to-group', 'g', '--local'],
        'give one of --connector-name <name> or --from-group <group>',
      ],
      [['--connector-name', 'c', '--local'], 'give one of --to-group <group>, --group-for <topic>=<group> or --deploy <deployment config>'],
      [['--connector-name', 'c', '--to-group', 'g', '--deploy', example, '--local'], 'give one of --to-group'],
      [['--connector-name', 'c', '--group-for', 'orders', '--local'], '--group-for expects <topic>=<group>, got "orders"'],
      [['--connector-name', 'c', '--group-for', 'a=x', '--group-for', 'a=y', '--local'], '--group-for names topic "a" twice'],
      [['--connector-name', 'c', '--group-for', 'a=x', '--topic', 'a', '--local'], '--topic goes with --to-group'],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      expect(await main(['migrate-offsets', ...args], io), args.join(' ')).toBe(2);
      expect(io.stderr[0], args.join(' ')).toContain(message);
    }
  });
});
