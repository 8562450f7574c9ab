import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployConfig, resolveDeployment, type Deployment } from '../../infra/config/load.js';
import type { DeployConfigInput } from '../../infra/config/deploy-schema.js';
import { mappingsState } from '../../infra/config/secret.js';
import { ConfigError } from '../../lambdas/core/errors.js';
import { loadExample } from './support/synth.js';
import { deployConfig } from '../kit/index.js';

const base: DeployConfigInput = deployConfig({ network: { create: {} } });
const sink = {
  connection: { profile: 'keyspaces', region: 'eu-west-1' },
  topics: { orders: { tables: { 'shop.t': { mapping: 'id=key, v=value.v' } } } },
};

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function resolve(deploy: object, sinkInput: unknown = sink): Deployment {
  return resolveDeployment(parseDeployConfig({ ...base, ...deploy }, 'deploy.yaml'), sinkInput, 'sink.yaml');
}

describe('deployment config validation', () => {
  it('loads every example', () => {
    for (const name of ['msk-cassandra.yaml', 'self-managed-astra.yaml', 'msk-keyspaces.yaml', 'dev-keyspaces.yaml'])
      expect(loadExample(name).topics).toEqual(['orders']);
  });

  it('says which setting is wrong, with the value', () => {
    expect(
      problems(() =>
        parseDeployConfig(
          { ...base, env: { account: '12', region: 'eu-west-1' }, eventSource: { batchSize: 0, minimumPollers: 5, maximumPollers: 2 } },
          'd.yaml',
        ),
      ),
    ).toEqual([
      'd.yaml: env.account: expected a 12-digit AWS account id (got "12")',
      'd.yaml: eventSource.batchSize: Too small: expected number to be >=1 (got 0)',
      'd.yaml: eventSource.minimumPollers: must not exceed maximumPollers (2) (got 5)',
    ]);
  });

  it('rejects unknown settings, AT_TIMESTAMP without a timestamp and a bad auth type', () => {
    const found = problems(() =>
      parseDeployConfig(
        {
          ...base,
          eventSource: { startingPosition: 'AT_TIMESTAMP', batchsize: 5 },
          kafka: { type: 'self-managed', bootstrapServers: ['b:9092'], auth: { type: 'kerberos' } },
        },
        'd.yaml',
      ),
    );
    expect(found).toContain('d.yaml: eventSource.batchsize: unknown setting (did you mean "batchSize"?)');
    expect(found).toContain('d.yaml: eventSource.startingPositionTimestamp: required when startingPosition is AT_TIMESTAMP');
    expect(found.some((problem) => problem.startsWith('d.yaml: kafka.auth.type:') && problem.includes('"kerberos"'))).toBe(true);
  });

  it('rejects filter operators the sink cannot evaluate as Lambda does, with the path and value', () => {
    const filters = [
      { value: { status: ['PAID'] } },
      { value: { sku: [{ wildcard: 'A*' }], $or: [{ a: ['x'] }] } },
      { key: ['k'], value: { n: [{ numeric: ['>', 'ten'] }] } },
    ];
    expect(problems(() => parseDeployConfig({ ...base, eventSource: { filters } }, 'd.yaml'))).toEqual([
      'd.yaml: eventSource.filters.1.value.sku.0.wildcard: operator "wildcard" is not supported (supported: prefix, suffix, equals-ignore-case, anything-but, numeric, exists, or a plain value) (got "A*")',
      'd.yaml: eventSource.filters.1.value.$or: "$or" is not supported here (combine alternatives as separate filters, which Lambda ORs) (got [{"a":["x"]}])',
      'd.yaml: eventSource.filters.2.key: Kafka event source mappings filter on "value" only (not on key, topic, partition or other metadata) (got ["k"])',
      'd.yaml: eventSource.filters.2.value.n.0.numeric: "numeric" bound after > must be a number (got [">","ten"])',
    ]);
    expect(
      parseDeployConfig(
        { ...base, eventSource: { filters: [{ value: { status: [{ 'anything-but': ['TEST'] }], total: [{ numeric: ['>=', 10] }] } }] } },
        'd.yaml',
      ).eventSource.filters,
    ).toHaveLength(1);
  });

  it('needs kafka and network unless a dev stack provides them', () => {
    expect(problems(() => parseDeployConfig({ env: base.env, sinkConfig: 's' }, 'd.yaml'))).toEqual([
      'd.yaml: kafka: required (or set `dev` to create a dev cluster)',
      'd.yaml: network: required (or set `dev` to create a dev VPC)',
    ]);
  });

  it('fails on an invalid mapping in the sink config, through the sink schema', () => {
    const bad = { ...sink, topics: { orders: { tables: { 'shop.t': { mapping: 'id=key, v=' } } } } };
    expect(problems(() => resolve({}, bad))[0]).toMatch(/^sink\.yaml: topics\.orders\.tables\.shop\.t\.mapping: /);
  });

  it('cross-checks topics, the created secret and the dev tables against the sink config', () => {
    expect(problems(() => resolve({ eventSource: { topics: ['payments'] }, connectionSecret: { mode: 'create' } }))).toEqual([
      'deployment config: eventSource.topics: "payments" is not a topic of the sink config (orders)',
      'deployment config: connectionSecret.mode: "create" needs a profile with a credentials secret; keyspaces with sigv4 auth signs with the function role (got "create")',
    ]);
    const dev = {
      network: undefined,
      kafka: undefined,
      dev: { tables: { 'shop.t': { columns: { id: 'text', w: 'nosuchtype' }, partitionKey: ['id'] } } },
    };
    const found = problems(() => resolve(dev));
    expect(found).toContain('deployment config: dev.tables.shop.t.columns: missing "v", mapped in the sink config');
    expect(
      found.some(
        (problem) => problem.startsWith('deployment config: dev.tables.shop.t.columns.w: ') && problem.endsWith('(got "nosuchtype")'),
      ),
    ).toBe(true);
  });

  it('bundles the created secret’s ARN where the profile reads its credentials', () => {
    const cassandra = { connection: { profile: 'cassandra', contactPoints: ['db:9042'], localDataCenter: 'dc1' }, topics: sink.topics };
    const deployment = resolve({ stackName: 'orders', connectionSecret: { mode: 'create' } }, cassandra);
    expect(deployment.bundledSinkConfig).toMatchObject({
      connection: { credentialsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/connection' },
    });
  });

  it('stops `cdk synth` (infra/app.ts) with the problem and nothing synthesized', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-config-'));
    writeFileSync(join(dir, 'sink.yaml'), JSON.stringify(sink));
    writeFileSync(join(dir, 'deploy.yaml'), JSON.stringify({ ...base, eventSource: { retryAttempts: -5 } }));
    const run = () =>
      execFileSync('npx', ['tsx', 'infra/app.ts'], {
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ deploy: join(dir, 'deploy.yaml') }), CDK_OUTDIR: dir },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).toThrow(/invalid configuration, nothing synthesized:\n.*eventSource\.retryAttempts: Too small/);
  });
});

describe('operator control settings', () => {
  const parse = (extra: object) => parseDeployConfig({ ...base, ...extra }, 'd.yaml');

  it('polls by default, deploys paused with a created secret unless enabled is given, and keeps an explicit value', () => {
    expect(mappingsState(parse({}))).toEqual({ enabled: true, pausedForCreatedSecret: false });
    expect(mappingsState(parse({ connectionSecret: { mode: 'create' } }))).toEqual({ enabled: false, pausedForCreatedSecret: true });
    expect(mappingsState(parse({ connectionSecret: { mode: 'create' }, eventSource: { enabled: true } }))).toEqual({
      enabled: true,
      pausedForCreatedSecret: false,
    });
    expect(mappingsState(parse({ eventSource: { enabled: false } }))).toEqual({ enabled: false, pausedForCreatedSecret: false });
  });

  it('publishes every event source metric and WARN system logs by default, bounds replay concurrency at 2', () => {
    const deploy = parse({});
    expect(deploy.eventSource).toMatchObject({ metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'], logLevel: 'WARN' });
    expect(deploy.replay.maxConcurrency).toBe(2);
    expect(deploy.alarms).toMatchObject({ notPollingMinutes: 15, replayAgeMinutes: 60 });
  });

  it('rejects what CloudFormation or CloudWatch would refuse, with the value', () => {
    expect(problems(() => parse({ replay: { maxConcurrency: 1 } }))).toEqual([
      'd.yaml: replay.maxConcurrency: Too small: expected number to be >=2 (got 1)',
    ]);
    expect(problems(() => parse({ eventSource: { metrics: ['Lag'] } }))[0]).toMatch(/^d\.yaml: eventSource\.metrics\.0: .*"Lag"/);
    expect(problems(() => parse({ alarms: { notPollingMinutes: 7 } }))[0]).toMatch(/^d\.yaml: alarms\.notPollingMinutes: .*\(got 7\)$/);
    expect(problems(() => parse({ kafka: { ...base.kafka, secretsKeyArn: 'alias/x' } }))[0]).toMatch(
      /^d\.yaml: kafka\.secretsKeyArn: expected a KMS key ARN/,
    );
  });
});
