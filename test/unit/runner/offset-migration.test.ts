import { describe, expect, it } from 'vitest';
import { describePlan, planMigration, type GroupState, type MigrationState } from '../../../local/runner/offset-migration.js';

const idle = (commits: Record<string, Record<number, bigint>> = {}, members: string[] = []): GroupState => ({
  members,
  commits: new Map(
    Object.entries(commits).map(([topic, partitions]) => [topic, new Map(Object.entries(partitions).map(([p, o]) => [Number(p), o]))]),
  ),
});

function state(source: GroupState, targets: Record<string, GroupState> = {}): MigrationState {
  return {
    source,
    targets: new Map(Object.entries(targets)),
    earliest: new Map([
      [
        'orders',
        new Map([
          [0, 0n],
          [1, 5n],
        ]),
      ],
      ['payments', new Map([[0, 0n]])],
    ]),
  };
}

describe('the offset migration plan', () => {
  it('copies each committed offset and starts uncommitted partitions at their earliest offset', () => {
    const plan = planMigration('connect-x', { kind: 'one', group: 'sink-orders' }, state(idle({ orders: { 0: 7n } })), false);
    expect(plan.refusals).toEqual([]);
    expect(describePlan(plan)).toEqual([
      'orders → group sink-orders:',
      '  orders/0: 7',
      '  orders/1: 5 (no commit in connect-x: the earliest offset, where a Connect sink task starts)',
    ]);
  });

  it('refuses two topics into one group, the source group as target, an unknown topic and a target in use', () => {
    const plan = planMigration(
      'connect-x',
      { kind: 'per-topic', groups: { orders: 'g', payments: 'g', missing: 'connect-x' } },
      state(idle({ orders: { 0: 1n } }), { g: idle({}, ['lambda@10.0.0.1']) }),
      true,
    );
    expect(plan.refusals).toEqual(
      expect.arrayContaining([
        'topics orders and payments both go to group "g"; a group id must be unique per mapping',
        'topic missing: the target group "connect-x" is the source group',
        'topic "missing" does not exist',
        'group g has active members (lambda@10.0.0.1): offsets of a group in use cannot be changed; stop its consumers first',
      ]),
    );
  });

  it('overwrites existing commits only with force', () => {
    const target = { 'sink-orders': idle({ orders: { 1: 9n, 0: 3n } }) };
    expect(
      planMigration('connect-x', { kind: 'one', group: 'sink-orders' }, state(idle({ orders: { 0: 7n } }), target), false).refusals,
    ).toEqual(['group sink-orders already has commits (orders/0: 3, orders/1: 9): it may be a group in use; --force overwrites them']);
    expect(
      planMigration('connect-x', { kind: 'one', group: 'sink-orders' }, state(idle({ orders: { 0: 7n } }), target), true).refusals,
    ).toEqual([]);
  });
});
