import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEmulatorService } from '../../local/services/aws-emulator.js';
import { serviceState, startService, stopService } from '../../local/services/process.js';
import { FaultFixture, describeRun, until, useFaultEnvironment, type RecordSpec } from './support/harness.js';

/**
 * The dead-letter queue's endpoint goes away (the AWS emulator is stopped)
 * while poison records arrive, and comes back. A dead letter that cannot be
 * stored must be a transient failure — the partition stops at that record and
 * is delivered again — never a drop. The emulator keeps its queues in memory,
 * so what the queue held before the stop is taken off it first, and the queue
 * is created again under the same name (and URL) after the restart, as a
 * queue in a real account would still be there.
 */
useFaultEnvironment();

const PARTITIONS = 3;
const HALF = 3_000;
const fixture = new FaultFixture({ name: 'dlqdown', partitions: PARTITIONS });

beforeAll(() => fixture.setUp());
afterAll(async () => {
  if (serviceState('aws-emulator').state !== 'running') await startService(awsEmulatorService);
  await fixture.tearDown();
}, 60_000);

const specs = (count: number, from: number): RecordSpec[] =>
  Array.from({ length: count }, (_, i) => ({
    partition: (from + i) % PARTITIONS,
    kind: (from + i) % 100 === 50 ? ((from + i) % 200 === 50 ? 'bad-json' : 'bad-seq') : 'good',
  }));

describe('the DLQ endpoint unavailable while poison records arrive', () => {
  it('holds the poison records back until the queue is reachable, then dead-letters each; nothing is lost', async () => {
    const started = Date.now();
    await fixture.produce(specs(HALF, 0));
    const sink = await fixture.startSink();
    await fixture.waitAllCommitted(sink, 30_000);
    const poisonBefore = fixture.produced.filter((r) => r.kind !== 'good').length;
    expect(await fixture.drainDeadLetters({ expectAtLeast: poisonBefore })).toBe(poisonBefore);

    await stopService('aws-emulator');
    const stoppedAt = Date.now();
    await fixture.produce(specs(HALF, HALF));
    // While the queue is unreachable, each partition stops at its first poison record of the second half.
    await until(
      'dead-letter sends to fail',
      () => [...sink.tally.failureReasons.keys()].some((reason) => /dead-letter/i.test(reason)),
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const committedWhileDown = fixture.committedCount(sink);
    const failedWhileDown = sink.tally.outcomes.failed;
    const deadLetteredBeforeRestart = sink.tally.outcomes.deadLettered;

    await startService(awsEmulatorService);
    await fixture.createQueue();
    const downMs = Date.now() - stoppedAt;
    await fixture.waitAllCommitted(sink, 30_000);
    const elapsedMs = Date.now() - started;
    const poisonCount = fixture.produced.filter((r) => r.kind !== 'good').length;
    await fixture.drainDeadLetters({ expectAtLeast: poisonCount - poisonBefore });
    const verification = await fixture.verify();
    console.log(describeRun('dlq-unavailable', sink, verification, { elapsedMs, downMs, committedWhileDown, failedWhileDown }));

    expect(verification.problems).toEqual([]);
    expect(verification.rows).toBe(2 * HALF - poisonCount);
    expect(verification.checksum).toBe(verification.expectedChecksum);
    expect(verification.deadLettered).toBe(poisonCount);
    // The outage held the partitions back (no commit past an unstored dead letter)…
    expect(committedWhileDown).toBeLessThan(2 * HALF);
    expect(failedWhileDown).toBeGreaterThan(0);
    // …and no poison record counted as dead-lettered while the queue was away.
    expect(deadLetteredBeforeRestart).toBe(poisonBefore);
  });
});
