import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassandraService } from '../../local/services/cassandra.js';
import { serviceState, startService } from '../../local/services/process.js';
import { FaultFixture, describeRun, killService, until, useFaultEnvironment, type RecordSpec } from './support/harness.js';

/**
 * Cassandra is killed (SIGKILL, no shutdown) while the sink streams, and
 * restarted. The fault suite's Cassandra syncs its commit log before it
 * acknowledges a write (CASSANDRA_COMMITLOG_SYNC=group, set by
 * `npm run test:fault`), so every write the sink saw acknowledged survives the
 * kill; with the stock periodic sync a kill may lose up to 10 s of
 * acknowledged writes on a single replica, which no client can see or repair.
 *
 * The sink runtime is not rebuilt: like a warm Lambda container, the same
 * driver client has to find the restarted node by itself.
 */
useFaultEnvironment();

const PARTITIONS = 3;
const RECORDS = 30_000;
const fixture = new FaultFixture({ name: 'cqlkill', partitions: PARTITIONS });

beforeAll(() => fixture.setUp());
afterAll(async () => {
  if (serviceState('cassandra').state !== 'running') await startService(cassandraService);
  await fixture.tearDown();
}, 120_000);

describe('Cassandra killed mid-stream', () => {
  it('loses nothing and writes nothing twice with different values: every record ends in Cassandra or the DLQ', async () => {
    // One poison record in 1,000, so the DLQ path runs through the outage too.
    const specs: RecordSpec[] = Array.from({ length: RECORDS }, (_, i) => ({
      partition: i % PARTITIONS,
      kind: i % 1_000 === 500 ? 'bad-seq' : 'good',
    }));
    await fixture.produce(specs);
    const poisonCount = specs.filter((s) => s.kind !== 'good').length;

    const started = Date.now();
    const sink = await fixture.startSink();
    await until('a fifth of the records committed', () => fixture.committedCount(sink) >= RECORDS / 5, 30_000, 20);
    const committedAtKill = fixture.committedCount(sink);
    await killService('cassandra');
    const killedAt = Date.now();
    // Down for a few seconds: invocations fail fast and the poller backs off.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const committedWhileDown = fixture.committedCount(sink);
    await startService(cassandraService);
    const restartMs = Date.now() - killedAt;
    await fixture.waitAllCommitted(sink, 45_000);
    const elapsedMs = Date.now() - started;
    await fixture.drainDeadLetters({ expectAtLeast: poisonCount });
    const verification = await fixture.verify();
    console.log(describeRun('cassandra-killed', sink, verification, { elapsedMs, committedAtKill, committedWhileDown, restartMs }));

    expect(verification.problems).toEqual([]);
    expect(verification.rows).toBe(RECORDS - poisonCount);
    expect(verification.checksum).toBe(verification.expectedChecksum);
    expect(verification.deadLettered).toBe(poisonCount);
    // The kill really hit the stream: records were still to be written, and some invocation failed because of it.
    expect(committedAtKill).toBeLessThan(RECORDS);
    expect(sink.tally.outcomes.failed).toBeGreaterThan(0);
    expect(sink.tally.fatal).toEqual([]);
  });
});
