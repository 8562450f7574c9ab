import type { Io } from '../../local/cli/command.js';

/** A CLI Io that keeps what a command printed, line by line, for assertions. */
export function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => {
      stdout.push(line);
    },
    err: (line) => {
      stderr.push(line);
    },
  };
}
