import { describe, expect, it } from 'vitest';
import { liveLine, type LineStream } from '../../../local/runner/live-line.js';

function fakeStream(isTTY: boolean, columns = 200): LineStream & { output: () => string } {
  let output = '';
  return {
    isTTY,
    columns,
    write(chunk: string | Uint8Array): boolean {
      output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    },
    output: () => output,
  };
}

/** What a terminal shows: \r returns to the line start, ESC[2K clears the line. */
const CLEAR = '\u001b[2K';

function screen(output: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of output.replaceAll(CLEAR, '\f').split(/(\r|\f|\n)/)) {
    if (part === '\r' || part === '') continue;
    if (part === '\f') line = '';
    else if (part === '\n') {
      lines.push(line);
      line = '';
    } else line += part;
  }
  return [...lines, line];
}

describe('the progress line', () => {
  it('redraws in place on a terminal, with other output scrolling above it', () => {
    const stream = fakeStream(true);
    const live = liveLine(stream);
    live.update('10:00:00  100 rec/s');
    live.update('10:00:02  250 rec/s');
    stream.write('{"level":"WARN","message":"dead-lettered"}\n');
    live.update('10:00:04  300 rec/s');
    expect(screen(stream.output())).toEqual(['{"level":"WARN","message":"dead-lettered"}', '10:00:04  300 rec/s']);
    live.close();
    stream.write('stopped\n');
    expect(screen(stream.output())).toEqual(['{"level":"WARN","message":"dead-lettered"}', '10:00:04  300 rec/s', 'stopped', '']);
  });

  it('fits the terminal width', () => {
    const stream = fakeStream(true, 12);
    liveLine(stream).update('a much longer progress line');
    expect(screen(stream.output())).toEqual(['a much lon…']);
  });

  it('prints plain lines when not a terminal, and leaves the stream alone', () => {
    const stream = fakeStream(false);
    const before = Object.getOwnPropertyDescriptor(stream, 'write')?.value as unknown;
    const live = liveLine(stream);
    live.update('one');
    live.update('two');
    expect(stream.output()).toBe('one\ntwo\n');
    expect(Object.getOwnPropertyDescriptor(stream, 'write')?.value).toBe(before);
  });
});
