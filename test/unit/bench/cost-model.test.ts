import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ASSUMPTIONS,
  HOURS_PER_MONTH,
  LIST_PRICES,
  connectCost,
  lambdaSecondsPerRecord,
  sinkCost,
  type CostInputs,
} from '../../../bench/lib/cost-model.js';
import { largestFitting, lambdaNodeFlags } from '../../../bench/lib/lambda-node.js';

const inputs: CostInputs = {
  handlerCpuUsPerRecord: 50,
  datastaxCpuUsPerRecord: 200,
  functionMemoryMb: 1024,
  batchSize: 500,
  recordBytes: 400,
  topics: 5,
};

describe('cost model', () => {
  it('turns CPU per record into Lambda seconds through the vCPU share and the per-invocation overhead', () => {
    // 50 µs at 1024/1769 of a vCPU, plus 5 ms per 500 records.
    expect(lambdaSecondsPerRecord(inputs)).toBeCloseTo(50e-6 / (1024 / 1769) + 0.005 / 500, 12);
    // Above one vCPU's memory a single thread gets no faster.
    expect(lambdaSecondsPerRecord({ ...inputs, functionMemoryMb: 4096 })).toBeCloseTo(50e-6 + 0.005 / 500, 12);
  });

  it('prices a million records as GB-seconds plus requests', () => {
    const seconds = lambdaSecondsPerRecord(inputs);
    const s = sinkCost(1_000, inputs);
    expect(s.gbSecondsPerMillion).toBeCloseTo(1e6 * seconds, 6);
    expect(s.lambdaPerMillion).toBeCloseTo(
      1e6 * seconds * LIST_PRICES.lambdaArmGbSecond + (2_000 * LIST_PRICES.lambdaRequestsPerMillion) / 1e6,
      9,
    );
  });

  it('pays one EPU floor per mapping without a poller group and shares EPUs with one', () => {
    const s = sinkCost(1_000, inputs);
    expect(s.epusUngrouped).toBe(5);
    expect(s.epusGrouped).toBe(1);
    const lambdaMonthly = (1_000 * 3600 * HOURS_PER_MONTH * s.lambdaPerMillion) / 1e6;
    expect(s.monthlyUngrouped - lambdaMonthly).toBeCloseTo(5 * HOURS_PER_MONTH * LIST_PRICES.epuHour, 6);
    expect(s.monthlyGrouped - lambdaMonthly).toBeCloseTo(HOURS_PER_MONTH * LIST_PRICES.epuHour, 6);
    expect(s.perMillionGrouped).toBeCloseTo(s.monthlyGrouped / ((1_000 * 3600 * HOURS_PER_MONTH) / 1e6), 9);
  });

  it('scales pollers with throughput and concurrency', () => {
    // 50,000 records/s × 400 B = 20 MB/s → 4 pollers by bytes; concurrency 50,000 × ~96 µs ≈ 4.8 → 1 poller by invocations.
    const s = sinkCost(50_000, { ...inputs, topics: 1 });
    expect(s.pollers).toBe(4);
    expect(s.epusGrouped).toBe(1);
    const big = sinkCost(50_000, { ...inputs, topics: 1, recordBytes: 2_000 });
    // 100 MB/s: 20 pollers (2 EPUs by pollers) and 5 EPUs by bytes.
    expect(big.pollers).toBe(20);
    expect(big.epusGrouped).toBe(5);
  });

  it('sizes MSK Connect by the connector CPU per record at the target utilisation', () => {
    const perMcu = (DEFAULT_ASSUMPTIONS.mcuUtilisation * 1e6) / 200;
    const c = connectCost(10_000, inputs);
    expect(c.recordsPerSecondPerMcu).toBeCloseTo(perMcu, 6);
    expect(c.mcus).toBe(Math.ceil(10_000 / perMcu));
    expect(c.monthly).toBeCloseTo(c.mcus * HOURS_PER_MONTH * LIST_PRICES.mcuHour, 6);
    expect(connectCost(1, inputs).mcus).toBe(1);
  });
});

describe('lambda node runtime', () => {
  it('sets the heap flags of the Node bootstrap for the configured memory', () => {
    expect(lambdaNodeFlags(1024)).toEqual(['--expose-gc', '--max-semi-space-size=51', '--max-old-space-size=922']);
    expect(lambdaNodeFlags(128)).toEqual(['--expose-gc', '--max-semi-space-size=6', '--max-old-space-size=116']);
    expect(() => lambdaNodeFlags(64)).toThrow(/got 64/);
  });

  it('finds the largest batch whose event fits the payload cap', () => {
    expect(largestFitting(100, 1_000, (n) => 100 + n * 10)).toBe(90);
    expect(largestFitting(100, 5_000, (n) => 100 + n * 10)).toBe(100);
    expect(largestFitting(100, 50, (n) => 100 + n * 10)).toBe(0);
  });
});
