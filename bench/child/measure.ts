/**
 * Runs in a fresh node process (bundled by bench/lib/bundle.ts): loads the
 * Lambda bundle as the Lambda runtime would — its top-level await validates
 * the config, connects and prepares — and, given an event file, handles that
 * one event. Prints one line `BENCH_RESULT {json}`:
 *  - initMs        the bundle's import: module load + config + secret + connect + schema + prepare
 *  - readyMs       from process start (performance.timeOrigin) to the same point
 *  - rssAfterInitMb, peakRssMb (VmHWM: the process's high-water mark), handleMs, failures
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createLambdaContext } from '../../local/poller/invoke.js';

type Handler = (event: unknown, context: unknown) => Promise<{ batchItemFailures: unknown[] } | undefined>;

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  const kb = Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN);
  return kb / 1024;
}

const bundle = process.env.BENCH_HANDLER_BUNDLE;
if (bundle === undefined) throw new Error('BENCH_HANDLER_BUNDLE is not set');
const started = performance.now();
const module = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const initMs = performance.now() - started;
const readyMs = performance.now();
const result: Record<string, unknown> = { initMs, readyMs, rssAfterInitMb: vm('VmRSS'), peakRssAfterInitMb: vm('VmHWM') };

const eventFile = process.env.BENCH_EVENT_FILE;
if (eventFile !== undefined && eventFile !== '') {
  // The Lambda runtime hands the handler the parsed payload.
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  // The local runner's context (bundled in: it imports types only), 15 minutes left as in the bench's function.
  const settings = { functionName: 'kcs-bench', functionVersion: '$LATEST', memoryLimitInMB: 1024, timeoutMs: 900_000, region: 'us-east-1', accountId: '000000000000' };
  const context = createLambdaContext(settings, 'bench-rss', Date.now() + settings.timeoutMs);
  const t0 = performance.now();
  const response = await module.handler(event, context);
  result.handleMs = performance.now() - t0;
  result.failures = response?.batchItemFailures.length ?? null;
  result.rssAfterBatchMb = vm('VmRSS');
  result.peakRssMb = vm('VmHWM');
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
