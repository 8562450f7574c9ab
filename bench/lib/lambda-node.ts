/**
 * What Lambda's Node.js runtime does to a function's process that a bench
 * child should copy: the heap flags its bootstrap derives from the configured
 * memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE), and the largest event it delivers.
 */

/** Lambda's invocation payload cap (synchronous invocation, the serialized event): 6 MB = 6,291,456 bytes. */
export const MAX_EVENT_BYTES = 6_291_456;

/**
 * The node flags of the Lambda Node.js bootstrap (/var/runtime/bootstrap) for
 * `memoryMb`: a tenth of the memory is the new space, split into two semi
 * spaces; the rest is the old space; `--expose-gc` is always on. (The shell
 * bootstrap's integer arithmetic: new = m / 10, semi = new / 2, old = m - new.)
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240)
    throw new RangeError(`lambda memory must be an integer from 128 to 10240 MB, got ${String(memoryMb)}`);
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    `--max-semi-space-size=${String(Math.floor(newSpace / 2))}`,
    `--max-old-space-size=${String(memoryMb - newSpace)}`,
  ];
}

/**
 * The most records, taken in order from `count` available, whose serialized
 * event (`bytesOf(n)`) fits in `capBytes`. `bytesOf` must grow with n.
 * Binary search: about log2(count) serializations.
 */
export function largestFitting(count: number, capBytes: number, bytesOf: (n: number) => number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytesOf(mid) <= capBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
