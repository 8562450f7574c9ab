/**
 * `check --sample N`: reads up to N records of each topic of a config (no
 * group joined, nothing committed), runs them through the real engine —
 * decode, map, convert, bind — against a session that prepares on the real
 * cluster but writes nothing, and reports what would be dead-lettered and why,
 * grouped by error. A wrong mapping is caught before it floods the DLQ.
 */
import { createKafkaAdmin, refetchRecords, type KafkaConnection } from '../../lambdas/adapters/kafka/index.js';
import type { CqlSession } from '../../lambdas/core/cql/session.js';
import { describeLocation } from '../../lambdas/core/errors.js';
import type { OffsetRange } from '../../lambdas/core/event/on-failure.js';
import type { KafkaRecord } from '../../lambdas/core/event/record.js';
import type { SinkEngine } from '../../lambdas/core/batch/engine.js';

/** Prepares and reads schemas on the real cluster; every write succeeds without reaching it. */
export function dryRunSession(real: CqlSession): CqlSession & { readonly writes: () => number } {
  let writes = 0;
  return {
    readTable: (keyspace, table) => real.readTable(keyspace, table),
    prepare: (cql) => real.prepare(cql),
    execute: () => {
      writes += 1;
      return Promise.resolve();
    },
    batch: (items) => {
      writes += items.length;
      return Promise.resolve();
    },
    writes: () => writes,
  };
}

export type SampleFrom = 'earliest' | 'latest';

/**
 * Offset ranges holding up to `count` records of each topic, shared evenly
 * among its partitions: the first ones (`earliest`) or the last ones.
 */
export async function sampleRanges(
  connection: KafkaConnection,
  topics: readonly string[],
  count: number,
  from: SampleFrom,
): Promise<OffsetRange[]> {
  const admin = createKafkaAdmin(connection, 'kafka-cql-sink-check');
  try {
    const metadata = await admin.metadata({ topics: [...topics] });
    const ranges: OffsetRange[] = [];
    for (const topic of topics) {
      const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
      if (partitions === 0) continue;
      const request = (timestamp: bigint) => ({
        topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }],
      });
      const [[earliest], [latest]] = await Promise.all([admin.listOffsets(request(-2n)), admin.listOffsets(request(-1n))]);
      const share = BigInt(Math.ceil(count / partitions));
      for (let partition = 0; partition < partitions; partition++) {
        const first = earliest?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n;
        const end = latest?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n;
        if (end <= first) continue;
        const start = from === 'earliest' ? first : end - share > first ? end - share : first;
        const last = from === 'earliest' ? (first + share - 1n < end - 1n ? first + share - 1n : end - 1n) : end - 1n;
        ranges.push({ topic, partition, firstOffset: start.toString(), lastOffset: last.toString() });
      }
    }
    return ranges;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export interface SampleProblem {
  readonly record: string;
  readonly tables: readonly string[];
  readonly error: string;
}

export interface SampleGroup {
  /** Tables, column (when the error names one) and error name. */
  readonly signature: string;
  readonly count: number;
  readonly example: string;
  readonly records: readonly string[];
}

export interface SampleReport {
  readonly sampled: number;
  readonly wouldWrite: number;
  readonly wouldDeadLetter: number;
  readonly groups: readonly SampleGroup[];
  readonly problems: readonly SampleProblem[];
}

/** Runs the records through the engine (whose session writes nothing) and groups what would be dead-lettered. */
export async function checkSample(engine: SinkEngine, records: readonly KafkaRecord[]): Promise<SampleReport> {
  const outcomes = await engine.process(records);
  const problems: SampleProblem[] = [];
  const groups = new Map<string, { count: number; example: string; records: string[] }>();
  for (const outcome of outcomes) {
    if (outcome.status === 'written') continue;
    const tables = outcome.status === 'dead-lettered' ? outcome.tables : [];
    const record = describeLocation(outcome.record);
    problems.push({ record, tables, error: outcome.error.message });
    const column = /column "([^"]+)"/.exec(outcome.error.message)?.[1];
    const signature = `${tables.join(', ') || '(no table)'}${column === undefined ? '' : ` column "${column}"`}: ${outcome.error.name}`;
    const group = groups.get(signature) ?? { count: 0, example: outcome.error.message, records: [] };
    group.count += 1;
    group.records.push(record);
    groups.set(signature, group);
  }
  return {
    sampled: records.length,
    wouldWrite: records.length - problems.length,
    wouldDeadLetter: problems.length,
    groups: [...groups].map(([signature, group]) => ({ signature, ...group })).sort((a, b) => b.count - a.count),
    problems,
  };
}

export async function sampleRecords(
  connection: KafkaConnection,
  topics: readonly string[],
  count: number,
  from: SampleFrom,
): Promise<KafkaRecord[]> {
  const ranges = await sampleRanges(connection, topics, count, from);
  const { records } = await refetchRecords(connection, ranges);
  return records;
}

export function formatSampleReport(report: SampleReport): string[] {
  const lines = [
    `sampled ${String(report.sampled)} records: ${String(report.wouldWrite)} would be written, ${String(report.wouldDeadLetter)} would be dead-lettered`,
  ];
  for (const group of report.groups) {
    const shown = group.records.slice(0, 5).join(', ');
    lines.push(
      `  ${String(group.count)}× ${group.signature}`,
      `     e.g. ${group.example}`,
      `     records: ${shown}${group.records.length > 5 ? `, … (${String(group.records.length - 5)} more)` : ''}`,
    );
  }
  return lines;
}
