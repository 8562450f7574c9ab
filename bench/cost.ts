/**
 * `npm run bench -- --cost` (or `npx tsx bench/cost.ts [--topics=N]`): the
 * README's Cost table from bench/results/latest.json — this sink against MSK
 * Connect running the DataStax connector at 1,000 / 10,000 / 50,000
 * records/s. Writes bench/results/cost.md and prints it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../local/services/paths.js';
import { DEFAULT_ASSUMPTIONS, LIST_PRICES, connectCost, sinkCost, type CostInputs } from './lib/cost-model.js';

export const RATES = [1_000, 10_000, 50_000] as const;

interface Latest {
  generated_at: string;
  node_cpu_us_per_record_handler?: number | null;
  datastax_cpu_us_per_record?: number | null;
  function_memory_mb?: number;
  setup: { json_value_bytes: number; e2e: { batch_size: number } };
}

/** The cost inputs from a bench result; throws naming the missing key. */
export function costInputs(latest: Latest, topics: number): CostInputs {
  const need = (value: number | null | undefined, key: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`bench/results/latest.json has no ${key} (got ${JSON.stringify(value)}): run npm run bench first`);
    return value;
  };
  return {
    handlerCpuUsPerRecord: need(latest.node_cpu_us_per_record_handler, 'node_cpu_us_per_record_handler'),
    datastaxCpuUsPerRecord: need(latest.datastax_cpu_us_per_record, 'datastax_cpu_us_per_record'),
    functionMemoryMb: need(latest.function_memory_mb, 'function_memory_mb'),
    batchSize: latest.setup.e2e.batch_size,
    // The value plus its 36-byte UUID key.
    recordBytes: latest.setup.json_value_bytes + 36,
    topics,
  };
}

export function costMarkdown(inputs: CostInputs, generatedAt: string): string {
  const usd = (v: number): string => `$${v < 1 ? v.toPrecision(2) : v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US')}`;
  const a = DEFAULT_ASSUMPTIONS;
  const lines = [
    `From the bench run of ${generatedAt}: handler ${String(inputs.handlerCpuUsPerRecord)} µs Node CPU per record (with the driver), the DataStax connector's JVM ${String(inputs.datastaxCpuUsPerRecord)} µs per record; ` +
      `function ${String(inputs.functionMemoryMb)} MB arm64, batch size ${String(inputs.batchSize)}, ${String(inputs.recordBytes)} B per record, ${String(inputs.topics)} topics (one mapping each). Prices: ${LIST_PRICES.asOf}.`,
    '',
    '| records/s | sink: Lambda $/M records | concurrency | EPUs, poller group / one per mapping | sink $/month, group / none | sink $/M records, group / none | MSK Connect MCUs | MSK Connect $/month | MSK Connect $/M records |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const rate of RATES) {
    const s = sinkCost(rate, inputs, a);
    const c = connectCost(rate, inputs, a);
    lines.push(
      `| ${rate.toLocaleString('en-US')} | ${usd(s.lambdaPerMillion)} | ${s.concurrency.toFixed(1)} | ${String(s.epusGrouped)} / ${String(s.epusUngrouped)} | ${usd(s.monthlyGrouped)} / ${usd(s.monthlyUngrouped)} | ` +
        `${usd(s.perMillionGrouped)} / ${usd(s.perMillionUngrouped)} | ${String(c.mcus)} | ${usd(c.monthly)} | ${usd(c.perMillion)} |`,
    );
  }
  lines.push(
    '',
    `One MCU carries ${Math.round(connectCost(1, inputs, a).recordsPerSecondPerMcu).toLocaleString('en-US')} records/s of the DataStax connector under these assumptions.`,
    '',
  );
  return `${lines.join('\n')}\n`;
}

export function runCost(argv: readonly string[]): string {
  const topicsArg = argv.find((arg) => arg.startsWith('--topics='));
  const topics = topicsArg === undefined ? 5 : Number(topicsArg.slice('--topics='.length));
  if (!Number.isInteger(topics) || topics < 1 || topics > 100)
    throw new Error(`--topics takes 1 to 100 (a poller group holds up to 100 mappings), got ${String(topicsArg)}`);
  const latest = JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'results', 'latest.json'), 'utf8')) as Latest;
  const text = costMarkdown(costInputs(latest, topics), latest.generated_at);
  writeFileSync(path.join(repoRoot, 'bench', 'results', 'cost.md'), text);
  return text;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(repoRoot, 'bench', 'cost.ts'))
  process.stdout.write(runCost(process.argv.slice(2)));
