/**
 * The cost model of the README's Cost section: this sink (Lambda arm64 +
 * provisioned event pollers) against MSK Connect running the DataStax
 * connector, from CPU per record measured by `npm run bench`. Pure
 * arithmetic; every assumption is a named input so the README can list it.
 */

/** List prices (us-east-1) as given in issue 14; checked against nothing newer here. */
export const LIST_PRICES = {
  asOf: '2026-11-30 (issue 14; us-east-1 list prices)',
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequestsPerMillion: 0.2,
  epuHour: 0.185,
  mcuHour: 0.11,
} as const;

export const HOURS_PER_MONTH = 730;

export interface CostAssumptions {
  /** CPU time an arm64 Lambda core needs for what took 1 s on one core of this x86 machine. */
  readonly armCpuFactor: number;
  /** Memory at which a Lambda function gets one full vCPU (below it, a proportional share). */
  readonly lambdaMbPerVcpu: number;
  /** Wall time per invocation not overlapped with CPU work (the last writes' round trip, the response), ms. */
  readonly invocationOverheadMs: number;
  /** One event poller: MB/s and concurrent invocations it carries (Lambda guide, provisioned mode). */
  readonly pollerMBps: number;
  readonly pollerInvocations: number;
  /** One EPU: pollers and MB/s it carries (Lambda pricing page, not re-verified here). */
  readonly pollersPerEpu: number;
  readonly epuMBps: number;
  /** vCPUs of one MCU (1 MCU = 1 vCPU + 4 GiB), and the share of it a worker may use (headroom for GC, rebalances, bursts). */
  readonly mcuVcpu: number;
  readonly mcuUtilisation: number;
  /** The JVM's CPU per record on an MCU vCPU relative to this machine's core. */
  readonly mcuCpuFactor: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  armCpuFactor: 1,
  lambdaMbPerVcpu: 1769,
  invocationOverheadMs: 5,
  pollerMBps: 5,
  pollerInvocations: 5,
  pollersPerEpu: 10,
  epuMBps: 20,
  mcuVcpu: 1,
  mcuUtilisation: 0.7,
  mcuCpuFactor: 1,
};

export interface CostInputs {
  /** Node CPU µs per record of the handler on the real path (with the driver), on this machine. */
  readonly handlerCpuUsPerRecord: number;
  /** CPU µs per record of the Kafka Connect JVM running the DataStax connector, on this machine. */
  readonly datastaxCpuUsPerRecord: number;
  readonly functionMemoryMb: number;
  readonly batchSize: number;
  /** Bytes per Kafka record as the pollers read it (key + value + headers). */
  readonly recordBytes: number;
  /** Topics (one mapping each) the stack consumes, the rate spread evenly over them. */
  readonly topics: number;
}

export interface SinkCost {
  readonly gbSecondsPerMillion: number;
  readonly lambdaPerMillion: number;
  readonly concurrency: number;
  readonly pollers: number;
  readonly epusGrouped: number;
  readonly epusUngrouped: number;
  readonly monthlyGrouped: number;
  readonly monthlyUngrouped: number;
  readonly perMillionGrouped: number;
  readonly perMillionUngrouped: number;
}

export interface ConnectCost {
  readonly recordsPerSecondPerMcu: number;
  readonly mcus: number;
  readonly monthly: number;
  readonly perMillion: number;
}

/** Seconds of Lambda duration per record at `memoryMb`: CPU over the vCPU share (one thread: at most one vCPU), plus the per-invocation overhead spread over the batch. */
export function lambdaSecondsPerRecord(inputs: CostInputs, a: CostAssumptions = DEFAULT_ASSUMPTIONS): number {
  const share = Math.min(1, inputs.functionMemoryMb / a.lambdaMbPerVcpu);
  return (inputs.handlerCpuUsPerRecord * a.armCpuFactor) / 1e6 / share + a.invocationOverheadMs / 1000 / inputs.batchSize;
}

export function sinkCost(recordsPerSecond: number, inputs: CostInputs, a: CostAssumptions = DEFAULT_ASSUMPTIONS): SinkCost {
  const seconds = lambdaSecondsPerRecord(inputs, a);
  const gbSecondsPerMillion = 1e6 * seconds * (inputs.functionMemoryMb / 1024);
  const lambdaPerMillion =
    gbSecondsPerMillion * LIST_PRICES.lambdaArmGbSecond + (1e6 / inputs.batchSize / 1e6) * LIST_PRICES.lambdaRequestsPerMillion;
  const concurrency = recordsPerSecond * seconds;
  const mbps = (recordsPerSecond * inputs.recordBytes) / 1e6;
  const pollersFor = (share: number): number =>
    Math.max(1, Math.ceil((mbps * share) / a.pollerMBps), Math.ceil((concurrency * share) / a.pollerInvocations));
  const epusFor = (pollers: number, share: number): number =>
    Math.max(1, Math.ceil(pollers / a.pollersPerEpu), Math.ceil((mbps * share) / a.epuMBps));
  const perTopic = 1 / inputs.topics;
  const pollers = pollersFor(1);
  // Without a poller group every mapping pays its own EPU floor; with one, the mappings share EPUs.
  const epusUngrouped = inputs.topics * epusFor(pollersFor(perTopic), perTopic);
  const epusGrouped = epusFor(inputs.topics * pollersFor(perTopic), 1);
  const lambdaMonthly = (recordsPerSecond * 3600 * HOURS_PER_MONTH * lambdaPerMillion) / 1e6;
  const monthlyGrouped = lambdaMonthly + epusGrouped * HOURS_PER_MONTH * LIST_PRICES.epuHour;
  const monthlyUngrouped = lambdaMonthly + epusUngrouped * HOURS_PER_MONTH * LIST_PRICES.epuHour;
  const millionsPerMonth = (recordsPerSecond * 3600 * HOURS_PER_MONTH) / 1e6;
  return {
    gbSecondsPerMillion,
    lambdaPerMillion,
    concurrency,
    pollers,
    epusGrouped,
    epusUngrouped,
    monthlyGrouped,
    monthlyUngrouped,
    perMillionGrouped: monthlyGrouped / millionsPerMonth,
    perMillionUngrouped: monthlyUngrouped / millionsPerMonth,
  };
}

/** MSK Connect: enough MCUs for the rate at the target utilisation, at least one (one connector takes every topic). */
export function connectCost(recordsPerSecond: number, inputs: CostInputs, a: CostAssumptions = DEFAULT_ASSUMPTIONS): ConnectCost {
  const recordsPerSecondPerMcu = (a.mcuVcpu * a.mcuUtilisation * 1e6) / (inputs.datastaxCpuUsPerRecord * a.mcuCpuFactor);
  const mcus = Math.max(1, Math.ceil(recordsPerSecond / recordsPerSecondPerMcu));
  const monthly = mcus * HOURS_PER_MONTH * LIST_PRICES.mcuHour;
  return { recordsPerSecondPerMcu, mcus, monthly, perMillion: monthly / ((recordsPerSecond * 3600 * HOURS_PER_MONTH) / 1e6) };
}
