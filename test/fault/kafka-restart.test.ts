import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaService } from '../../local/services/kafka.js';
import { serviceState, startService, stopService } from '../../local/services/process.js';
import { FaultFixture, describeRun, until, useFaultEnvironment, type RecordSpec } from './support/harness.js';

/**
 * The Kafka broker (the only one: RF=1, it leads every partition and is the
 * group coordinator) is restarted while the sink streams. Fetches and offset
 * commits fail while it is down; records written to Cassandra whose offsets
 * were not committed come again after the restart and are rewritten with the
 * same values and write time. More records are produced after the restart.
 */
useFaultEnvironment();

const PARTITIONS = 3;
const BEFORE = 6_000;
const AFTER = 6_000;
// A slower writer (one row per statement, 16 in flight) keeps the poller's buffer of fetched
// records busy while the broker is away, so offset commits fail during the outage.
const fixture = new FaultFixture({
  name: 'kafkarestart',
  partitions: PARTITIONS,
  writer: { maxConcurrentRequests: 16, maxNumberOfRecordsInBatch: 1 },
});

beforeAll(() => fixture.setUp());
afterAll(async () => {
  if (serviceState('kafka').state !== 'running') await startService(kafkaService);
  await fixture.tearDown();
}, 120_000);

const specs = (count: number, from: number): RecordSpec[] =>
  Array.from({ length: count }, (_, i) => ({ partition: (from + i) % PARTITIONS, kind: (from + i) % 1_000 === 700 ? 'bad-json' : 'good' }));

describe('the Kafka broker restarted mid-stream', () => {
  it('loses nothing and writes nothing twice with different values: every record ends in Cassandra or the DLQ', async () => {
    await fixture.produce(specs(BEFORE, 0));
    const started = Date.now();
    const sink = await fixture.startSink({ poller: { batchSize: 200 } });
    await until('the first records committed', () => fixture.committedCount(sink) >= 1_000, 30_000, 20);
    const committedAtStop = fixture.committedCount(sink);
    const stopStarted = Date.now();
    await stopService('kafka');
    const stopMs = Date.now() - stopStarted;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const restartStarted = Date.now();
    await startService(kafkaService);
    const restartMs = Date.now() - restartStarted;
    const restarted = Date.now();
    await fixture.produce(specs(AFTER, BEFORE));
    await fixture.waitAllCommitted(sink, 60_000);
    const elapsedMs = Date.now() - started;
    const poisonCount = fixture.produced.filter((r) => r.kind !== 'good').length;
    await fixture.drainDeadLetters({ expectAtLeast: poisonCount });
    const verification = await fixture.verify();
    // Invocations that ended while the broker was stopping, down or starting: their commits had to cross the restart.
    const invocationsDuringOutage = sink.tally.invocationEndedAt.filter((at) => at >= stopStarted && at <= restarted).length;
    console.log(
      describeRun('kafka-restart', sink, verification, { elapsedMs, committedAtStop, stopMs, restartMs, invocationsDuringOutage }),
    );

    expect(verification.problems).toEqual([]);
    expect(verification.records).toBe(BEFORE + AFTER);
    expect(verification.rows).toBe(BEFORE + AFTER - poisonCount);
    expect(verification.checksum).toBe(verification.expectedChecksum);
    expect(verification.deadLettered).toBe(poisonCount);
    expect(committedAtStop).toBeLessThan(BEFORE);
    expect(invocationsDuringOutage).toBeGreaterThan(0);
    expect(sink.tally.fatal).toEqual([]);
  });
});
