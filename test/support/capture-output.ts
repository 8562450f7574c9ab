import { inspect } from 'node:util';

export interface CapturedOutput<T> {
  /** undefined when `run` threw. */
  readonly result: T | undefined;
  readonly error: unknown;
  /** Everything written, as one text and as lines. */
  readonly text: string;
  readonly lines: string[];
}

/**
 * Everything written to stdout, stderr or through console while `run` runs
 * (Powertools writes to stdout itself, the driver through console): what a
 * test needs to show that a secret reaches no log line. Never rejects.
 */
export async function captureOutput<T>(run: () => Promise<T>): Promise<CapturedOutput<T>> {
  const chunks: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const tap =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    };
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = consoleMethods.map((name) => [name, console[name].bind(console)] as const);
  process.stdout.write = tap(stdoutWrite);
  process.stderr.write = tap(stderrWrite);
  for (const [name, original] of originals) {
    console[name] = (...args: unknown[]) => {
      chunks.push(`${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' ')}\n`);
      original(...args);
    };
  }
  const captured = (result: T | undefined, error: unknown): CapturedOutput<T> => {
    const text = chunks.join('');
    return { result, error, text, lines: text.split('\n') };
  };
  try {
    return captured(await run(), undefined);
  } catch (error) {
    return captured(undefined, error);
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    for (const [name, original] of originals) console[name] = original;
  }
}
