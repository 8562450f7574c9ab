/**
 * The progress line of `run`: on a terminal it is one line redrawn in place at
 * the bottom, and everything else the process writes (its own messages, the
 * handler's JSON logs) scrolls above it; elsewhere (a pipe, a file, CI) every
 * update is a plain line of its own.
 */

/** The part of a writable stream this needs (process.stdout in the CLI). */
export interface LineStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean;
}

export interface LiveLine {
  /** Shows `line` as the current progress. */
  update(line: string): void;
  /** Stops redrawing, leaves the last progress line on screen, and gives the stream back its own write. */
  close(): void;
}

const CLEAR_LINE = '\r\u001b[2K';

/**
 * On a TTY, wraps the stream's write so that any other output first clears
 * the progress line and then redraws it below; elsewhere the updates are
 * plain lines and the stream is left alone.
 */
export function liveLine(stream: LineStream): LiveLine {
  if (stream.isTTY !== true) {
    return {
      update: (line) => {
        stream.write(`${line}\n`);
      },
      close: () => undefined,
    };
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was on close().
  const original = stream.write;
  const write = (chunk: string): boolean => original.call(stream, chunk);
  let current = '';
  const fit = (line: string): string => {
    const width = stream.columns ?? 0;
    return width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
  };
  const hooked = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (current === '') return original.call(stream, chunk, ...rest);
    write(CLEAR_LINE);
    const result = original.call(stream, chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    write(`${text.endsWith('\n') ? '' : '\n'}${fit(current)}`);
    return result;
  };
  (stream as { write: LineStream['write'] }).write = hooked;
  return {
    update: (line) => {
      current = line;
      write(`${CLEAR_LINE}${fit(line)}`);
    },
    close: () => {
      (stream as { write: LineStream['write'] }).write = original;
      if (current !== '') write('\n');
      current = '';
    },
  };
}
