import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultFixture, describeRun, useFaultEnvironment, type RecordSpec } from './support/harness.js';

/**
 * The function's deadline arrives mid-batch. The poller gives each invocation
 * a Lambda-like 4 s timeout and the handler stops starting writes 3 s before
 * it, so a 1,500-record batch written one row per statement, eight at a time,
 * cannot finish: the runtime must stop starting writes, answer in time with a
 * partial batch response from the first record it did not write, and let the
 * event source deliver the rest again — never run into the timeout (which
 * would throw the whole batch's progress away) and never lose what it skipped.
 */
useFaultEnvironment();

const PARTITIONS = 3;
const RECORDS = 3_000;
const TIMEOUT_MS = 4_000;
const fixture = new FaultFixture({
  name: 'deadline',
  partitions: PARTITIONS,
  writer: { maxConcurrentRequests: 8, maxNumberOfRecordsInBatch: 1 },
});

beforeAll(() => fixture.setUp());
afterAll(() => fixture.tearDown(), 60_000);

describe("the handler's deadline reached mid-batch", () => {
  it('stops starting writes, answers before the timeout, and every record ends in Cassandra or the DLQ', async () => {
    const specs: RecordSpec[] = Array.from({ length: RECORDS }, (_, i) => ({
      partition: i % PARTITIONS,
      kind: i % 300 === 150 ? 'bad-seq' : 'good',
    }));
    await fixture.produce(specs);
    const poisonCount = specs.filter((s) => s.kind !== 'good').length;

    const started = Date.now();
    const sink = await fixture.startSink({
      poller: { batchSize: 1_500, maximumBatchingWindowMs: 500, timeoutMs: TIMEOUT_MS },
      handler: { stopWritesBeforeDeadlineMs: 3_000 },
    });
    await fixture.waitAllCommitted(sink, 50_000);
    const elapsedMs = Date.now() - started;
    await fixture.drainDeadLetters({ expectAtLeast: poisonCount });
    const verification = await fixture.verify();
    const longestInvocationMs = Math.max(...sink.tally.invocations.map((i) => i.durationMs));
    console.log(describeRun('deadline', sink, verification, { elapsedMs, longestInvocationMs }));

    expect(verification.problems).toEqual([]);
    expect(verification.rows).toBe(RECORDS - poisonCount);
    expect(verification.checksum).toBe(verification.expectedChecksum);
    expect(verification.deadLettered).toBe(poisonCount);
    // The deadline was really reached: invocations ended partial, with records left unwritten because of it…
    expect(sink.tally.invocations.filter((i) => i.outcome === 'partial').length).toBeGreaterThan(0);
    expect([...sink.tally.failureReasons.keys()].some((reason) => /deadline/i.test(reason))).toBe(true);
    // …and every invocation answered before the function timeout.
    expect(sink.poller.stats().timedOutInvocations).toBe(0);
    expect(longestInvocationMs).toBeLessThan(TIMEOUT_MS);
  });
});
