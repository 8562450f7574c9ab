import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../local/cli/main.js';
import { produceDemo } from '../../local/runner/demo-produce.js';
import { localCassandraClient } from '../support/services.js';
import { bootstrapServers, demoTarget, type DemoTarget } from './support.js';
import { captureIo } from '../support/capture-io.js';

interface Report {
  sampled: number;
  wouldWrite: number;
  wouldDeadLetter: number;
  writesNotSent: number;
  groups: { signature: string; count: number; records: string[] }[];
  problems: { record: string; error: string }[];
}

describe('check --sample', () => {
  const targets: DemoTarget[] = [];
  afterAll(async () => {
    for (const target of targets) await target.cleanup();
  });

  it('runs real records through the sink without writing, and lists those that would be dead-lettered, grouped by error', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    const t = await demoTarget('e2e_sample');
    targets.push(t);
    const produced = await produceDemo(bootstrapServers, t.topic, { count: 90, poison: 6, tombstones: 0, seed: 11 });
    const poison = produced.records.filter((record) => record.kind === 'poison').length;
    expect(poison).toBe(6);

    const io = captureIo();
    expect(await main(['check', '--local', '--config', t.configFile, '--sample', '1000', '--json'], io)).toBe(1);
    const checked = JSON.parse(io.stdout.at(-1) ?? '{}') as { valid: boolean; tables: string[]; sample: Report };
    expect(checked.valid).toBe(true);
    expect(checked.tables).toContain(`${t.keyspace}.orders_by_id`);
    expect(io.stdout).toHaveLength(1);
    const report = checked.sample;
    expect(report.sampled).toBe(90);
    expect(report.wouldDeadLetter).toBe(poison);
    expect(report.wouldWrite).toBe(90 - poison);
    expect(report.writesNotSent).toBeGreaterThan(0);
    expect(report.groups.reduce((sum, group) => sum + group.count, 0)).toBe(poison);
    for (const problem of report.problems) expect(problem.record).toMatch(new RegExp(`^${t.topic}/[0-2]@\\d+$`));

    const cql = localCassandraClient();
    try {
      const rows = await cql.execute(`SELECT count(*) AS n FROM ${t.keyspace}.orders_by_id`);
      expect(Number(rows.first().get('n'))).toBe(0);
    } finally {
      await cql.shutdown();
    }

    const text = captureIo();
    expect(
      await main(['check', '--local', '--config', t.configFile, '--sample', '6', '--sample-from', 'latest'], text),
    ).toBeLessThanOrEqual(1);
    expect(`${text.stdout.join('\n')}\n${text.stderr.join('\n')}`).toMatch(
      /sampled 6 records: \d+ would be written, \d+ would be dead-lettered/,
    );
  });

  it('refuses --sample with --offline and a bad --sample-from', async () => {
    const offline = captureIo();
    expect(await main(['check', '--offline', '--config', 'config/example.sink.yaml', '--sample', '5'], offline)).toBe(2);
    expect(offline.stderr[0]).toContain('--sample reads Kafka');
    const from = captureIo();
    expect(
      await main(['check', '--offline', '--config', 'config/example.sink.yaml', '--sample', '5', '--sample-from', 'middle'], from),
    ).toBe(2);
    expect(from.stderr[0]).toContain('--sample-from must be earliest or latest');
  });
});
