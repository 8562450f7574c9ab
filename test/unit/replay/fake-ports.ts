/** Small fakes of the replay ports (lambdas/core/replay/ports.ts), recording what they are asked. */
import { parseDeadLetterMessage, type DeadLetterSink } from '../../../lambdas/core/dead-letter.js';
import type { OffsetRange } from '../../../lambdas/core/event/on-failure.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import type { BatchRun, HeldRecords, RefetchedRecords, ReplayPorts } from '../../../lambdas/core/replay/ports.js';
import type { RecordOutcome } from '../../../lambdas/core/outcome.js';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export interface FakeReplayPorts extends ReplayPorts {
  /** Records written by the fresh-batch run (on-failure batches). */
  readonly written: KafkaRecord[];
  /** Records written by the dead-letter run, with the attempt number it was given. */
  readonly rewritten: { record: KafkaRecord; attempt: number }[];
  /** The dead-letter sink and attempt function the dead-letter run was made with. */
  readonly runnerOptions: { deadLetters: DeadLetterSink; attemptOf?: (record: KafkaRecord) => number }[];
  readonly refetched: OffsetRange[][];
  readonly logs: LogLine[];
  readonly halts: (readonly HeldRecords[])[];
  readonly deadlines: number[];
}

export interface FakeReplayOptions {
  /** What the re-read returns; default every record asked for is gone. */
  readonly refetch?: (ranges: readonly OffsetRange[]) => Promise<RefetchedRecords>;
  /** The outcome of each record; default written. */
  readonly outcome?: (record: KafkaRecord) => RecordOutcome;
}

export function fakeReplayPorts(options: FakeReplayOptions = {}): FakeReplayPorts {
  const written: KafkaRecord[] = [];
  const rewritten: { record: KafkaRecord; attempt: number }[] = [];
  const runnerOptions: FakeReplayPorts['runnerOptions'] = [];
  const refetched: OffsetRange[][] = [];
  const logs: LogLine[] = [];
  const halts: (readonly HeldRecords[])[] = [];
  const deadlines: number[] = [];
  const outcome = options.outcome ?? ((record: KafkaRecord): RecordOutcome => ({ record, status: 'written' }));
  const run: BatchRun = (records, { deadlineMs }) => {
    deadlines.push(deadlineMs);
    written.push(...records);
    return Promise.resolve(records.map(outcome));
  };
  const log =
    (level: LogLine['level']) =>
    (message: string, fields: Record<string, unknown>): void => {
      logs.push({ level, message, fields });
    };
  return {
    written,
    rewritten,
    runnerOptions,
    refetched,
    logs,
    halts,
    deadlines,
    writer: {
      run,
      runner: (runner) => {
        runnerOptions.push(runner);
        return (records, { deadlineMs }) => {
          deadlines.push(deadlineMs);
          rewritten.push(...records.map((record) => ({ record, attempt: runner.attemptOf?.(record) ?? 1 })));
          return Promise.resolve(records.map(outcome));
        };
      },
    },
    refetcher: {
      refetch: (ranges) => {
        refetched.push([...ranges]);
        return options.refetch?.(ranges) ?? Promise.resolve({ records: [], missing: [...ranges] });
      },
    },
    deadLetters: { read: (body) => Promise.resolve(parseDeadLetterMessage(body)) },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    publishHalts: (held) => {
      halts.push(held);
    },
  };
}
