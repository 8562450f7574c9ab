import { RuntimeVariable } from '../../../lambdas/contract/runtime-env.js';
import { replayFile, replayQueue, type ReplayResult, type ReplaySummary } from '../../runner/replay.js';
import { integerOf, stringOf, UsageError, type Command, type Io, type Values } from '../command.js';
import { configOption } from '../shared-options.js';
import { sinkTarget } from '../target.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Write dead-lettered records again through the core, with their original write time (the Kafka record timestamp).',
  usage: 'kafka-cql-sink replay --config <file> (--queue-url <url> | --file <dlq.jsonl>) [--local]',
  description: [
    'From a queue: receives up to 10 messages at a time, replays them, and deletes a message only after its record is',
    'written; messages that still fail stay in the queue (visible again when the drain ends). From a file: one',
    'dead-letter message (the SQS body) per line. Records that still fail are listed; exit 1 if any.',
  ].join('\n'),
  options: {
    config: configOption,
    local: {
      type: 'boolean',
      description: 'Use the local services (AWS emulator; local credentials for a cassandra connection without any).',
    },
    'queue-url': { type: 'string', value: '<url>', description: 'Dead-letter queue to drain.' },
    file: { type: 'string', short: 'f', value: '<file>', description: 'JSON lines of dead-letter messages.' },
    'max-messages': { type: 'string', value: '<n>', description: 'Stop after this many queue messages.' },
    json: { type: 'boolean', description: "One JSON object at the end: every message's result, written and not written." },
  },
  examples: [
    'npm run cli -- replay --local --config config/example.sink.yaml --queue-url http://127.0.0.1:4566/000000000000/kafka-cql-sink-local-dlq',
    'kafka-cql-sink replay --config prod.sink.yaml --file dead-letters.jsonl',
  ],
  run: replay,
};

async function replay(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
  const configFile = stringOf(values, 'config');
  if (configFile === undefined) throw new UsageError('--config <file> is required: records are written as that config maps them');
  const queueUrl = stringOf(values, 'queue-url');
  const file = stringOf(values, 'file');
  if ((queueUrl === undefined) === (file === undefined)) throw new UsageError('give exactly one of --queue-url and --file');
  process.env[RuntimeVariable.logLevel] ??= 'WARN';
  const target = await sinkTarget(configFile, values.local === true);
  for (const note of target.notes) io.err(note);
  const maxMessages = integerOf(values, 'max-messages', 1);
  const json = values.json === true;
  const print = (results: readonly ReplayResult[]): void => {
    if (json) return;
    for (const r of results) {
      if (r.status === 'written') continue;
      io.err(`${r.id}${r.location === undefined ? '' : ` (${r.location})`}: ${r.status}${r.error === undefined ? '' : `: ${r.error}`}`);
    }
  };
  let summary: ReplaySummary;
  if (file !== undefined) {
    summary = await replayFile(target.env, file);
    print(summary.results);
  } else {
    summary = await replayQueue(target.env, {
      queueUrl: queueUrl ?? '',
      ...(maxMessages === undefined ? {} : { maxMessages }),
      onBatch: print,
    });
  }
  if (json) {
    io.out(JSON.stringify({ written: summary.written, notWritten: summary.notWritten, results: summary.results }));
    return summary.notWritten > 0 ? 1 : 0;
  }
  io.out(
    `replayed ${String(summary.results.length)} message${summary.results.length === 1 ? '' : 's'}: ${String(summary.written)} written, ${String(summary.notWritten)} not written${queueUrl === undefined ? '' : ' (kept in the queue)'}`,
  );
  return summary.notWritten > 0 ? 1 : 0;
}
