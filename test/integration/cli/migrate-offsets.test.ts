import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../local/cli/main.js';
import { committedOffsets } from '../../../lambdas/adapters/kafka/index.js';
import { EXAMPLE_CONFIG } from '../../../local/runner/local-setup.js';
import { repoRoot } from '../../../local/services/paths.js';
import { endpoints, uniqueName } from '../../support/services.js';
import { captureIo } from '../../support/capture-io.js';

/**
 * A plain consumer's commits stand in for a connector's here (a Connect sink
 * task commits the same way); test/e2e/cutover.test.ts runs a real connector.
 */
describe('migrate-offsets on the local Kafka', () => {
  const bootstrapBrokers = [endpoints.kafka];
  const orders = uniqueName('it-migrate-orders');
  const payments = uniqueName('it-migrate-payments');
  const sourceGroup = `connect-${uniqueName('it-connector')}`;
  const admin = new Admin({ clientId: 'it-admin', bootstrapBrokers });

  beforeAll(async () => {
    await admin.createTopics({ topics: [orders, payments], partitions: 3, replicas: 1 });
    const producer = new Producer({ clientId: 'it-migrate-producer', bootstrapBrokers });
    // orders: 5 records in partition 0, 3 in partition 1, none in 2; payments: 2 in partition 0.
    const messages = [
      ...Array.from({ length: 5 }, (_, i) => ({ topic: orders, partition: 0, value: Buffer.from(`o0-${String(i)}`) })),
      ...Array.from({ length: 3 }, (_, i) => ({ topic: orders, partition: 1, value: Buffer.from(`o1-${String(i)}`) })),
      ...Array.from({ length: 2 }, (_, i) => ({ topic: payments, partition: 0, value: Buffer.from(`p0-${String(i)}`) })),
    ];
    await producer.send({ messages });
    await producer.close();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [orders, payments] }).catch(() => undefined);
    await admin.close();
  });

  it('refuses while the source group has a member, then copies per topic; never overwrites commits without --force', async () => {
    // A member of the source group commits orders/0 at 4, orders/1 at 3 and payments/0 at 2, and stays.
    const consumer = new Consumer({ groupId: sourceGroup, clientId: 'connector-task-0', bootstrapBrokers });
    const stream = await consumer.consume({
      topics: [orders, payments],
      mode: 'earliest',
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const ordersGroup = uniqueName('it-sink-orders');
    const paymentsGroup = uniqueName('it-sink-payments');
    const args = [
      'migrate-offsets',
      '--local',
      '--from-group',
      sourceGroup,
      '--group-for',
      `${orders}=${ordersGroup}`,
      '--group-for',
      `${payments}=${paymentsGroup}`,
    ];
    try {
      await consumer.commit({
        offsets: [
          { topic: orders, partition: 0, offset: 4n, leaderEpoch: -1 },
          { topic: orders, partition: 1, offset: 3n, leaderEpoch: -1 },
          { topic: payments, partition: 0, offset: 2n, leaderEpoch: -1 },
        ],
      });
      const busy = captureIo();
      expect(await main(args, busy)).toBe(1);
      expect(busy.stderr.join('\n')).toMatch(new RegExp(`refused: group ${sourceGroup} has 1 active member \\(connector-task-0@`));
      expect(await committedOffsets(bootstrapBrokers, ordersGroup, orders)).toEqual(new Map());
    } finally {
      await stream.close();
      await consumer.close(true);
    }

    const dry = captureIo();
    expect(await main([...args, '--dry-run'], dry)).toBe(0);
    expect(dry.stdout).toEqual(
      expect.arrayContaining([
        `${orders} → group ${ordersGroup}:`,
        `  ${orders}/0: 4`,
        `  ${orders}/1: 3`,
        `  ${orders}/2: 0 (no commit in ${sourceGroup}: the earliest offset, where a Connect sink task starts)`,
        `${payments} → group ${paymentsGroup}:`,
        `  ${payments}/0: 2`,
        'dry run: nothing changed',
      ]),
    );
    expect(await committedOffsets(bootstrapBrokers, ordersGroup, orders)).toEqual(new Map());

    const copy = captureIo();
    expect(await main(args, copy)).toBe(0);
    expect(copy.stdout).toContain(`copied 3 partition offset(s) of ${orders} into group ${ordersGroup}`);
    expect(await committedOffsets(bootstrapBrokers, ordersGroup, orders)).toEqual(
      new Map([
        [0, 4n],
        [1, 3n],
        [2, 0n],
      ]),
    );
    expect(await committedOffsets(bootstrapBrokers, paymentsGroup, payments)).toEqual(
      new Map([
        [0, 2n],
        [1, 0n],
        [2, 0n],
      ]),
    );
    // The split is per topic: each sink group holds its own topic only.
    expect(await committedOffsets(bootstrapBrokers, ordersGroup, payments)).toEqual(new Map());

    const again = captureIo();
    expect(await main(args, again)).toBe(1);
    expect(again.stderr.join('\n')).toContain(
      `refused: group ${ordersGroup} already has commits (${orders}/0: 4, ${orders}/1: 3, ${orders}/2: 0): it may be a group in use; --force overwrites them`,
    );
    expect(await main([...args, '--force'], captureIo())).toBe(0);
  });

  it('asks for a group per topic when one --to-group would take several topics', async () => {
    const io = captureIo();
    expect(await main(['migrate-offsets', '--local', '--from-group', sourceGroup, '--to-group', uniqueName('it-one')], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(`refused: group ${sourceGroup} has commits for 2 topics`);
    const picked = captureIo();
    const group = uniqueName('it-one');
    expect(await main(['migrate-offsets', '--local', '--from-group', sourceGroup, '--to-group', group, '--topic', payments], picked)).toBe(
      0,
    );
    expect(await committedOffsets(bootstrapBrokers, group, payments)).toEqual(
      new Map([
        [0, 2n],
        [1, 0n],
        [2, 0n],
      ]),
    );
  });

  it('takes the groups from a deployment config and leaves the topics it does not consume', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kcs-migrate-'));
    const sinkFile = path.join(dir, 'sink.yaml');
    writeFileSync(sinkFile, readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/^ {2}orders:$/m, `  ${orders}:`));
    const group = uniqueName('it-deployed');
    const deployFile = path.join(dir, 'deploy.yaml');
    writeFileSync(
      deployFile,
      readFileSync(path.join(repoRoot, 'infra/examples/msk-cassandra.yaml'), 'utf8')
        .replace('sinkConfig: ../../config/example.sink.yaml', `sinkConfig: ${sinkFile}`)
        .replace('consumerGroupId: orders-sink', `consumerGroups: { ${orders}: ${group} }`),
    );
    const io = captureIo();
    expect(await main(['migrate-offsets', '--local', '--from-group', sourceGroup, '--deploy', deployFile], io), io.stderr.join('\n')).toBe(
      0,
    );
    expect(io.stderr).toContain(`note: topic ${payments}: committed in ${sourceGroup} but not consumed by the sink's groups, not copied`);
    expect(await committedOffsets(bootstrapBrokers, group, orders)).toEqual(
      new Map([
        [0, 4n],
        [1, 3n],
        [2, 0n],
      ]),
    );
    expect(await committedOffsets(bootstrapBrokers, group, payments)).toEqual(new Map());
  });

  it('refuses a connector name whose group has no commits', async () => {
    const io = captureIo();
    expect(
      await main(['migrate-offsets', '--local', '--connector-name', 'no-such-connector-x', '--to-group', uniqueName('it-none')], io),
    ).toBe(1);
    expect(io.stderr.join('\n')).toContain('refused: group connect-no-such-connector-x has no committed offsets: check the connector name');
  });
});
