import { EventEmitter } from 'node:events';
import type { Consumer } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { commitPosition, Committer } from '../../../local/poller/commit.js';
import type { PollerEvents } from '../../../local/poller/events.js';
import { PartitionTable, type BufferedRecord } from '../../../local/poller/partitions.js';

const record = (offset: number, leaderEpoch = 3): BufferedRecord => ({
  topic: 'orders',
  partition: 0,
  offset: BigInt(offset),
  timestamp: 0n,
  timestampType: 'CREATE_TIME',
  key: null,
  value: null,
  headers: [],
  leaderEpoch,
  arrivedAt: 0,
});

describe('commit: commitPosition', () => {
  it('is the processed position when no filtered records lie beyond it', () => {
    expect(commitPosition(10n, null, undefined)).toBe(10n);
    expect(commitPosition(10n, 8n, 12n)).toBe(10n);
  });

  it('steps past filtered records, but not past the next record left to process', () => {
    expect(commitPosition(10n, 20n, undefined)).toBe(20n);
    expect(commitPosition(10n, 20n, 15n)).toBe(15n);
    expect(commitPosition(10n, 20n, 25n)).toBe(20n);
  });
});

describe('commit: Committer', () => {
  function setup(commit: (request: unknown) => Promise<void>) {
    const commits: unknown[] = [];
    const released: number[] = [];
    const warnings: string[] = [];
    const events = new EventEmitter<PollerEvents>();
    events.on('commit', (c) => commits.push(c));
    const consumer = { commit } as unknown as Consumer;
    const committer = new Committer({
      consumer: () => consumer,
      released: (count) => released.push(count),
      events,
      warn: (error) => warnings.push(String(error)),
    });
    const state = new PartitionTable().ensure('orders', 0);
    state.buffer.push(record(5), record(6), record(7, 4));
    return { committer, state, commits, released, warnings };
  }

  it("drops the processed records, commits the position with the next record's leader epoch, and reports it", async () => {
    const requests: unknown[] = [];
    const { committer, state, commits, released } = setup((request) => {
      requests.push(request);
      return Promise.resolve();
    });
    await committer.advance(state, 7n);
    expect(state.buffer.map((r) => r.offset)).toEqual([7n]);
    expect(state.committed).toBe(7n);
    expect(released).toEqual([2]);
    expect(requests).toEqual([{ offsets: [{ topic: 'orders', partition: 0, offset: 7n, leaderEpoch: 4 }] }]);
    expect(commits).toEqual([{ topic: 'orders', partition: 0, offset: 7n }]);
  });

  it('turns a failed commit into a warning naming the partition and position, and keeps the position in memory', async () => {
    const { committer, state, commits, warnings } = setup(() => Promise.reject(new Error('not coordinator')));
    await committer.advance(state, 8n);
    expect(state.buffer).toEqual([]);
    expect(state.committed).toBe(8n);
    expect(commits).toEqual([]);
    expect(warnings).toEqual(['Error: commit of orders-0 at 8 failed: Error: not coordinator']);
  });
});
