import { locateSink } from '../../stack/locate.js';
import { startRedrive, waitForRedrive, type RedriveProgress } from '../../stack/redrive.js';
import { integerOf, type Command, type Io, type Values } from '../command.js';
import { AWS_NOTE, clientsFor, localOption, selectorOf, stackOption } from './stack-target.js';

export const redriveCommand: Command = {
  name: 'redrive',
  summary: "Move a deployed sink's dead letters into its replay queue (the console's DLQ redrive) and follow the progress.",
  usage: 'kafka-cql-sink redrive --stack <name> [--max-per-second <n>] [--no-wait] [--timeout <seconds>]',
  description: [
    "StartMessageMoveTask from the stack's dead-letter queue (output DeadLetterQueueUrl) to its replay queue (output",
    'ReplayQueueArn); the replay function then writes the records again. Progress (moved/total) is polled with',
    'ListMessageMoveTasks until the task is COMPLETED (exit 0), FAILED or CANCELLED (exit 1). SQS allows one running',
    'move task per queue; Ctrl-C stops only the watching, not the task.',
    AWS_NOTE,
  ].join('\n'),
  options: {
    stack: stackOption,
    'max-per-second': {
      type: 'string',
      value: '<n>',
      description: 'MaxNumberOfMessagesPerSecond of the move, 1..500 (default: as fast as SQS goes).',
    },
    'no-wait': { type: 'boolean', description: 'Start the task, print its handle and return.' },
    timeout: { type: 'string', value: '<seconds>', description: 'How long to follow the task (it keeps running after).', default: '3600' },
    local: localOption,
  },
  examples: ['kafka-cql-sink redrive --stack orders-sink', 'kafka-cql-sink redrive --stack orders-sink --max-per-second 50 --no-wait'],
  run: redrive,
};

function describeProgress(progress: RedriveProgress): string {
  const total = progress.total === null ? '?' : String(progress.total);
  return `${progress.status}: moved ${String(progress.moved)}/${total}${progress.failureReason === null ? '' : ` (${progress.failureReason})`}`;
}

async function redrive(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
  const selector = selectorOf(values, false);
  const maxPerSecond = integerOf(values, 'max-per-second', 1, 500);
  const timeoutSeconds = integerOf(values, 'timeout', 0, 7 * 86_400) ?? 3600;
  const aws = clientsFor(values);
  try {
    const location = await locateSink(aws, selector);
    const { deadLetterQueue: from, replayQueue: to } = location;
    if (from === undefined || to === undefined) {
      io.err(
        `${location.label} has no ${from === undefined ? 'DeadLetterQueueUrl' : 'ReplayQueueArn'} output: is it a kafka-cql-sink stack?`,
      );
      return 1;
    }
    const handle = await startRedrive(aws, from, to, maxPerSecond);
    io.out(`redrive started: ${from.arn} → ${to.arn}${maxPerSecond === undefined ? '' : ` at most ${String(maxPerSecond)}/s`}`);
    io.out(`task ${handle}`);
    if (values['no-wait'] === true) return 0;
    const final = await waitForRedrive(aws, from, handle, {
      timeoutMs: timeoutSeconds * 1000,
      onProgress: (progress) => {
        io.out(describeProgress(progress));
      },
    });
    if (final.status === 'COMPLETED') return 0;
    if (final.status === 'RUNNING')
      io.err(`still RUNNING after ${String(timeoutSeconds)} s; the task goes on (see ListMessageMoveTasks or the SQS console)`);
    else io.err(`redrive ${final.status}${final.failureReason === null ? '' : `: ${final.failureReason}`}`);
    return 1;
  } finally {
    aws.destroy();
  }
}
