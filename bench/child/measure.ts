/**
 * Runs in a fresh node process (bundled by bench/lib/bundle.ts): loads the
 * Lambda bundle as the Lambda runtime would — its top-level await validates
 * the config, connects and prepares — and, given an event file, handles that
 * event BENCH_INVOCATIONS times (default 1), parsing the serialized event each
 * time as the runtime does. Prints one line `BENCH_RESULT {json}`:
 *  - initMs        the bundle's import: module load + config + secret + connect + schema + prepare
 *  - readyMs       from process start (performance.timeOrigin) to the same point
 *  - rssAfterInitMb, peakRssMb (VmHWM: the process's high-water mark), handleMs, failures
 *  - per invocation (arrays): handleMsRuns, rssMbRuns, peakRssMbRuns, and, when
 *    the process runs with --expose-gc (Lambda's bootstrap sets it), heapMbAfterGc
 *    (heap used after a full collection) and rssMbAfterGc
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createLambdaContext } from '../../local/poller/invoke.js';

type Handler = (event: unknown, context: unknown) => Promise<{ batchItemFailures: unknown[] } | undefined>;

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
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
  const invocations = Number(process.env.BENCH_INVOCATIONS ?? '1');
  const serialized = readFileSync(eventFile, 'utf8');
  const gc = (globalThis as { gc?: () => void }).gc;
  const runs = {
    handleMsRuns: [] as number[],
    rssMbRuns: [] as number[],
    peakRssMbRuns: [] as number[],
    heapMbAfterGc: [] as number[],
    rssMbAfterGc: [] as number[],
  };
  let failures = 0;
  for (let i = 0; i < invocations; i++) {
    const deadline = Date.now() + 900_000;
    const settings = {
      functionName: 'kcs-bench',
      functionVersion: '$LATEST',
      memoryLimitInMB: Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024'),
      timeoutMs: 900_000,
      region: 'us-east-1',
      accountId: '000000000000',
    };
    const context = createLambdaContext(settings, `bench-rss-${String(i)}`, deadline);
    const t0 = performance.now();
    // The Lambda runtime parses the payload for every invocation.
    const response = await module.handler(JSON.parse(serialized), context);
    runs.handleMsRuns.push(performance.now() - t0);
    runs.rssMbRuns.push(vm('VmRSS'));
    runs.peakRssMbRuns.push(vm('VmHWM'));
    failures += response?.batchItemFailures.length ?? 0;
    if (gc !== undefined) {
      gc();
      runs.heapMbAfterGc.push(process.memoryUsage().heapUsed / 2 ** 20);
      runs.rssMbAfterGc.push(vm('VmRSS'));
    }
  }
  Object.assign(result, runs, {
    handleMs: runs.handleMsRuns[0],
    failures,
    rssAfterBatchMb: runs.rssMbRuns[0],
    peakRssMb: vm('VmHWM'),
    peakRssFirstMb: runs.peakRssMbRuns[0],
  });
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
