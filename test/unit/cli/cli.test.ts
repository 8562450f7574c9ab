import { describe, expect, it } from 'vitest';
import { commands, main } from '../../../local/cli/main.js';
import { helpText, parseCommandArgs } from '../../../local/cli/command.js';
import { expectedDemoState, planDemoRecords } from '../../../local/runner/demo-data.js';
import { splitCqlStatements, deriveLocalConfig } from '../../../local/runner/local-setup.js';
import { formatProgress } from '../../../local/runner/progress.js';
import { groupIdForConfig, sharedGroupWarning } from '../../../local/runner/consumer-group.js';
import { placeholderSecretArn } from '../../../lambdas/core/config/placeholders.js';
import { endpoints } from '../../../local/services/index.js';
import type { PollerStats } from '../../../local/poller/index.js';
import { captureIo } from '../../support/capture-io.js';

describe('CLI', () => {
  it('has --help for every command', async () => {
    expect(commands.map((c) => c.name)).toEqual([
      'run',
      'check',
      'replay',
      'dlq',
      'convert-connector-config',
      'migrate-offsets',
      'produce',
      'status',
      'pause',
      'resume',
      'redrive',
    ]);
    for (const command of commands) {
      const io = captureIo();
      expect(await main([command.name, '--help'], io)).toBe(0);
      expect(io.stdout.join('\n')).toContain(`Usage: kafka-cql-sink ${command.name}`);
    }
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Commands:\n {2}run /);
  });

  it('deployed-stack commands need a stack (or a function) and reject bad numbers before calling AWS', async () => {
    const none = captureIo();
    expect(await main(['status'], none)).toBe(2);
    expect(none.stderr[0]).toBe('status: give --stack <name> (or --function <name>)');
    const both = captureIo();
    expect(await main(['pause', '--stack', 's', '--function', 'f'], both)).toBe(2);
    expect(both.stderr[0]).toContain('give --stack or --function, not both (got --stack "s" and --function "f")');
    const redriveByFunction = captureIo();
    expect(await main(['redrive', '--function', 'f'], redriveByFunction)).toBe(2);
    expect(redriveByFunction.stderr[0]).toMatch(/Unknown option '--function'/);
    const rate = captureIo();
    expect(await main(['redrive', '--stack', 's', '--max-per-second', '501'], rate)).toBe(2);
    expect(rate.stderr[0]).toBe('redrive: --max-per-second must be an integer in 1..500, got "501"');
    const help = captureIo();
    expect(await main(['pause', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toContain('eventSource.enabled');
  });

  it('rejects unknown commands and flags with exit 2 and a pointer to --help', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr[0]).toBe('unknown command "frobnicate"');
    const flags = captureIo();
    expect(await main(['check', '--colour'], flags)).toBe(2);
    expect(flags.stderr.join('\n')).toMatch(/Unknown option '--colour'[\s\S]*kafka-cql-sink check --help/);
    const missing = captureIo();
    expect(await main(['replay', '--config', 'x.yaml'], missing)).toBe(2);
    expect(missing.stderr[0]).toContain('give exactly one of --queue-url and --file');
  });

  it('falls back to environment variables, then defaults', () => {
    const run = commands.find((c) => c.name === 'run');
    if (run === undefined) throw new Error('no run command');
    const { values } = parseCommandArgs(run, ['--batch-size', '7'], { KAFKA_BOOTSTRAP_SERVERS: 'b1:9092,b2:9092', DLQ_URL: 'https://q' });
    expect(values).toMatchObject({ 'batch-size': '7', 'bootstrap-servers': 'b1:9092,b2:9092', 'dlq-url': 'https://q' });
    expect(values['group-id']).toBeUndefined();
    expect(helpText(run)).toContain('--bootstrap-servers <host:port,…>');
    expect(helpText(run)).toContain('env KAFKA_BOOTSTRAP_SERVERS');
  });
});

describe('demo records', () => {
  it('are seeded, keyed by order id, with the asked numbers of poison records and tombstones', () => {
    const plan = planDemoRecords({ count: 200, poison: 6, tombstones: 5, seed: 1, now: 1_780_000_000_000 });
    expect(planDemoRecords({ count: 200, poison: 6, tombstones: 5, seed: 1, now: 1_780_000_000_000 })).toEqual(plan);
    expect(plan).toHaveLength(200);
    expect(plan.filter((r) => r.kind === 'poison')).toHaveLength(6);
    expect(plan.filter((r) => r.kind === 'tombstone')).toHaveLength(5);
    for (const record of plan) if (record.kind === 'order') expect(record.key).toBe(record.order.order_id);
    const first = plan.find((r) => r.kind === 'order');
    expect(first?.kind === 'order' ? Object.keys(first.order) : []).toHaveLength(10);
  });

  it('delete only orders produced before the tombstone', () => {
    const plan = planDemoRecords({ count: 100, poison: 2, tombstones: 10, seed: 3 });
    plan.forEach((record, index) => {
      if (record.kind !== 'tombstone') return;
      expect(plan.slice(0, index).some((r) => r.kind === 'order' && r.key === record.key)).toBe(true);
    });
    const state = expectedDemoState(plan);
    expect(state.byId.size).toBe(100 - 2 - 10 - 10);
    expect(state.byCustomer).toHaveLength(100 - 2 - 10);
  });

  it('default to about 1 in 50 poison records and tombstones', () => {
    const plan = planDemoRecords({ count: 1000, seed: 5 });
    expect(plan.filter((r) => r.kind === 'poison')).toHaveLength(20);
    expect(() => planDemoRecords({ count: 10, poison: 5, tombstones: 5 })).toThrow(/must fit in count/);
  });
});

describe('local setup helpers', () => {
  it('split a CQL script at semicolons that end a line, without comments', () => {
    expect(splitCqlStatements("-- c\nCREATE KEYSPACE k\n  WITH r = {'a': 1};\n\nCREATE TABLE k.t (a int PRIMARY KEY);\n")).toEqual([
      "CREATE KEYSPACE k\n  WITH r = {'a': 1}",
      'CREATE TABLE k.t (a int PRIMARY KEY)',
    ]);
  });

  it('point a cassandra connection at the local services, and say so for every change', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x';
    const converted = [
      'connection:',
      '  profile: cassandra',
      '  contactPoints: [10.0.1.10, 10.0.1.11]',
      '  port: 9142',
      '  localDataCenter: eu-west-1a',
      '  tls: { checkHostname: false }',
      `  credentialsSecretArn: ${placeholderSecretArn('cassandra-credentials')}`,
    ].join('\n');
    const { config, notes } = deriveLocalConfig(converted, arn);
    expect(config).toEqual({
      connection: { profile: 'cassandra', contactPoints: [endpoints.cassandra], localDataCenter: 'datacenter1', credentialsSecretArn: arn },
    });
    expect(notes).toEqual([
      `--local: contact points 10.0.1.10:9142, 10.0.1.11:9142 → ${endpoints.cassandra}, the local Cassandra, not the cluster of the file`,
      '--local: localDataCenter "eu-west-1a" → datacenter1, the local Cassandra\'s',
      '--local: tls left out, the local Cassandra is plaintext',
      `--local: credentialsSecretArn (the placeholder ${placeholderSecretArn('cassandra-credentials')}) → the local secret kafka-cql-sink/local-cassandra (user cassandra)`,
    ]);

    const already = deriveLocalConfig(
      `connection: {profile: cassandra, contactPoints: ["${endpoints.cassandra}"], localDataCenter: datacenter1, credentialsSecretArn: "${arn}"}\n`,
      arn,
    );
    expect(already.notes).toEqual([]);
    const keyspaces = deriveLocalConfig('connection: {profile: keyspaces, region: eu-west-1}\n', arn);
    expect(keyspaces.config).toEqual({ connection: { profile: 'keyspaces', region: 'eu-west-1' } });
    expect(keyspaces.notes[0]).toContain('the keyspaces profile is used as written');
  });
});

describe('progress line', () => {
  it('shows records/s, lag per partition, written, dead-lettered and failed', () => {
    const stats = {
      recordsPerSecond: 1830,
      totalLag: 184n,
      partialFailures: 0,
      failedInvocations: 1,
      recordsDiscarded: 0,
      partitions: [
        { topic: 'orders', partition: 0, lag: 120n },
        { topic: 'orders', partition: 1, lag: 0n },
        { topic: 'orders', partition: 2, lag: 64n },
      ],
    } as unknown as PollerStats;
    expect(formatProgress(stats, { written: 9410, deadLettered: 12, failed: 0 }, new Date('2026-01-01T12:00:04Z'))).toBe(
      '12:00:04  1,830 rec/s  lag orders-0=120 orders-1=0 orders-2=64 (184)  written 9,410  dead-lettered 12  failed 0  failed invocations 1',
    );
  });
});

describe('CLI polish', () => {
  it('prints the version of package.json', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^kafka-cql-sink \d+\.\d+\.\d+/);
  });

  it('suggests the command or flag a typo meant', async () => {
    const command = captureIo();
    expect(await main(['chek'], command)).toBe(2);
    expect(command.stderr[0]).toBe('unknown command "chek" (did you mean "check"?)');
    const flag = captureIo();
    expect(await main(['run', '--batch-sise', '5'], flag)).toBe(2);
    expect(flag.stderr[0]).toContain('(did you mean "batch-size"?)');
  });
});

describe('consumer group of a local run', () => {
  it("is derived from the config file name, never the demo's", () => {
    expect(groupIdForConfig('/home/me/configs/payments sink.yaml')).toBe('kafka-cql-sink-payments_sink');
    expect(groupIdForConfig('my.sink.json')).toBe('kafka-cql-sink-my.sink');
    expect(groupIdForConfig('orders.yml')).not.toBe('kafka-cql-sink-local');
  });

  it('warns by name about members already in the group', () => {
    expect(sharedGroupWarning('g', [])).toBeUndefined();
    const warning = sharedGroupWarning('g', [{ memberId: 'm-1', clientId: 'connector-task-0', host: '/10.0.0.5' }]);
    expect(warning).toContain('consumer group g has 1 active member: connector-task-0@10.0.0.5 (m-1)');
    expect(warning).toContain('--group-id');
  });
});

describe('check --json', () => {
  it('prints one object: valid with no problems, or every problem of the file', async () => {
    const good = captureIo();
    expect(await main(['check', '--offline', '--json', '--config', 'config/example.sink.yaml'], good)).toBe(0);
    expect(good.stdout).toHaveLength(1);
    expect(JSON.parse(good.stdout[0] ?? '')).toMatchObject({ config: 'config/example.sink.yaml', valid: true, problems: [] });

    const bad = captureIo();
    expect(await main(['check', '--offline', '--json', '--config', 'test/fixtures/connector/cassandra-sink.properties'], bad)).toBe(1);
    const result = JSON.parse(bad.stdout.at(-1) ?? '') as { valid: boolean; problems: string[] };
    expect(result.valid).toBe(false);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(bad.stderr).toEqual([]);
  });
});
