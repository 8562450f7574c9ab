import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultFixture, describeRun, until, useFaultEnvironment, type RecordSpec } from './support/harness.js';

/**
 * A systemic failure under load: a deployment whose mapping writes the text
 * `payload` into the bigint `seq` column fails every record the same way.
 * The brake halts every partition (nothing dead-lettered, nothing committed)
 * while more records keep arriving; the corrected config is deployed (a new
 * sink on the same consumer group) and then every record is accounted for:
 * each good record's row with its values and its Kafka write time, each
 * poison record (1 in 50) dead-lettered once.
 */
useFaultEnvironment();

const PARTITIONS = 4;
const BEFORE = 8_000;
const DURING = 4_000;
const WRONG_MAPPING = 'id=key, seq=value.payload, payload=value.payload';
const fixture = new FaultFixture({ name: 'systemic', partitions: PARTITIONS });

beforeAll(() => fixture.setUp());
afterAll(() => fixture.tearDown(), 120_000);

const specs = (count: number, from: number): RecordSpec[] =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return { partition: n % PARTITIONS, kind: n % 50 === 17 ? (n % 100 === 17 ? 'bad-json' : 'bad-seq') : 'good' };
  });

describe('a systemic failure under load', () => {
  it('halts without a dead letter while records keep coming; after the fix every record is written or dead-lettered once', async () => {
    await fixture.produce(specs(BEFORE, 0));
    const started = Date.now();
    const halted = await fixture.startSink({ config: { mapping: WRONG_MAPPING, brake: { holdSeconds: 0 } } });
    await until(
      'every partition halted a few times',
      () => halted.tally.invocations.filter((i) => i.outcome === 'partial').length >= 3 * PARTITIONS,
      60_000,
    );
    await fixture.produce(specs(DURING, BEFORE));
    await until(
      'more halted invocations after the new records',
      () => halted.tally.invocations.filter((i) => i.outcome === 'partial').length >= 6 * PARTITIONS,
      60_000,
    );
    await halted.stop();
    const haltedMs = Date.now() - started;

    expect(halted.tally.outcomes.deadLettered).toBe(0);
    expect(halted.tally.outcomes.written).toBe(0);
    expect(fixture.committedCount(halted)).toBe(0);
    expect(
      [...halted.tally.failureReasons.keys()].every(
        (reason) => reason.startsWith('SystemicFailureError') || reason.startsWith('TransientError: redelivered'),
      ),
    ).toBe(true);
    expect(await fixture.drainDeadLetters({ timeoutMs: 2_000 })).toBe(0);

    const fixedAt = Date.now();
    const fixed = await fixture.startSink();
    await fixture.waitAllCommitted(fixed, 180_000);
    const drainMs = Date.now() - fixedAt;
    const poisonCount = fixture.produced.filter((r) => r.kind !== 'good').length;
    await fixture.drainDeadLetters({ expectAtLeast: poisonCount });
    const verification = await fixture.verify();
    console.log(
      describeRun('systemic-halt', fixed, verification, { haltedMs, drainMs, haltedInvocations: halted.tally.invocations.length }),
    );

    expect(verification.problems).toEqual([]);
    expect(verification.records).toBe(BEFORE + DURING);
    expect(verification.rows).toBe(BEFORE + DURING - poisonCount);
    expect(verification.checksum).toBe(verification.expectedChecksum);
    expect(verification.deadLettered).toBe(poisonCount);
    expect(fixed.tally.outcomes.deadLettered).toBeGreaterThanOrEqual(poisonCount);
  }, 360_000);
});
