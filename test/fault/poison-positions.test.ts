import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultFixture, describeRun, useFaultEnvironment, type RecordKind, type RecordSpec } from './support/harness.js';

/**
 * A poison record at every position of a batch. Each partition of the topic
 * carries one pattern of ten records, all produced before the sink starts, so
 * the first invocation holds every partition's ten records in order:
 * poison first, in the middle, last, three in a row, every record, every
 * other one, and none. Both kinds of poison appear (a value that is not
 * JSON, a `seq` that is not a bigint).
 */
useFaultEnvironment();

const PER_PARTITION = 10;
const patterns: Record<string, readonly number[]> = {
  first: [0],
  middle: [5],
  last: [9],
  consecutive: [3, 4, 5],
  all: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  alternate: [1, 3, 5, 7, 9],
  none: [],
};
const names = Object.keys(patterns);
const fixture = new FaultFixture({ name: 'poison', partitions: names.length });

beforeAll(() => fixture.setUp());
afterAll(() => fixture.tearDown());

describe('a poison record at every position of a batch', () => {
  it('writes every good record and dead-letters every poison record once, whatever its position', async () => {
    const specs: RecordSpec[] = [];
    names.forEach((name, partition) => {
      const poison = new Set(patterns[name]);
      for (let i = 0; i < PER_PARTITION; i++) {
        const kind: RecordKind = !poison.has(i) ? 'good' : i % 2 === 0 ? 'bad-json' : 'bad-seq';
        specs.push({ partition, kind });
      }
    });
    await fixture.produce(specs);
    const poisonCount = specs.filter((s) => s.kind !== 'good').length;

    const started = Date.now();
    // One invocation for all of it: the batch fills up (70 records) before the window closes.
    const sink = await fixture.startSink({ poller: { batchSize: specs.length, maximumBatchingWindowMs: 5_000 } });
    await fixture.waitAllCommitted(sink, 30_000);
    const elapsedMs = Date.now() - started;
    await fixture.drainDeadLetters({ expectAtLeast: poisonCount });
    const verification = await fixture.verify();
    console.log(describeRun('poison-positions', sink, verification, { elapsedMs }));

    expect(verification.problems).toEqual([]);
    // The batch really was one: each pattern met the runner in the same invocation, at its position.
    expect(sink.tally.invocations[0]?.records).toBe(specs.length);
    expect(sink.tally.invocations.map((i) => i.outcome)).toEqual(['success']);
    expect(verification.rows).toBe(specs.length - poisonCount);
    expect(verification.checksum).toBe(verification.expectedChecksum);
    expect(verification.deadLettered).toBe(poisonCount);
    expect(verification.duplicateDeadLetters).toBe(0);
  });
});
