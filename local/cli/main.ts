/**
 * kafka-cql-sink: run | check | replay | dlq | convert-connector-config | migrate-offsets | produce | status | pause | resume | redrive.
 * Run with `npm run cli -- <command> …`, `npx kafka-cql-sink <command> …`, or
 * `npx tsx local/cli/main.ts <command> …`.
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { didYouMeanSuffix } from '../../lambdas/core/config/suggest.js';
import { repoRoot } from '../services/paths.js';
import { processIo, runCommand, type Command, type Io } from './command.js';
import { checkCommand } from './commands/check.js';
import { convertCommand } from './commands/convert.js';
import { dlqCommand } from './commands/dlq.js';
import { pauseCommand, resumeCommand } from './commands/pause.js';
import { migrateOffsetsCommand } from './commands/migrate-offsets.js';
import { produceCommand } from './commands/produce.js';
import { redriveCommand } from './commands/redrive.js';
import { replayCommand } from './commands/replay.js';
import { runCommand as runSink } from './commands/run.js';
import { statusCommand } from './commands/status.js';

export const commands: readonly Command[] = [
  runSink,
  checkCommand,
  replayCommand,
  dlqCommand,
  convertCommand,
  migrateOffsetsCommand,
  produceCommand,
  statusCommand,
  pauseCommand,
  resumeCommand,
  redriveCommand,
];

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: kafka-cql-sink <command> [options]',
    '',
    'A serverless Kafka → CQL sink, run and checked from the command line.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `kafka-cql-sink <command> --help` for the options of a command, `kafka-cql-sink --version` for the version.',
  ].join('\n');
}

/** The package's version (package.json at the repository root). */
export function version(): string {
  const manifest = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`kafka-cql-sink ${version()}`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(
      `unknown command ${JSON.stringify(name)}${didYouMeanSuffix(
        name,
        commands.map((c) => c.name),
      )}`,
    );
    io.err(mainHelp());
    return 2;
  }
  return runCommand(command, rest, io);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const code = await main(process.argv.slice(2));
  // Clients that keep sockets open (SDK keep-alive) must not hold the process.
  process.exit(code);
}
