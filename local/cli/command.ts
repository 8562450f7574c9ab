/** The small command framework of the CLI: node:util parseArgs, generated --help, exit codes. */
import { parseArgs } from 'node:util';
import { didYouMeanSuffix } from '../../lambdas/core/config/suggest.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => {
    process.stdout.write(`${line}\n`);
  },
  err: (line) => {
    process.stderr.write(`${line}\n`);
  },
};

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Shown in --help, e.g. `<file>`. */
  readonly value?: string;
  readonly description: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  readonly default?: string;
  /** A string flag that may be repeated: its values are joined with commas (read them with listOf). */
  readonly multiple?: boolean;
}

export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** e.g. `kafka-cql-sink check --config <file> [--local]` */
  readonly usage: string;
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals?: boolean;
  readonly examples?: readonly string[];
  run(values: Values, positionals: readonly string[], io: Io): Promise<number>;
}

/** A usage error: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function helpText(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
    const extra = [spec.default === undefined ? '' : `default ${spec.default}`, spec.env === undefined ? '' : `env ${spec.env}`]
      .filter((s) => s !== '')
      .join('; ');
    return { flag, text: `${spec.description}${extra === '' ? '' : ` (${extra})`}` };
  });
  rows.push({ flag: '-h, --help', text: 'Show this help.' });
  const width = Math.max(...rows.map((r) => r.flag.length)) + 2;
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.description !== undefined) lines.push('', command.description);
  lines.push('', 'Options:', ...rows.map((r) => `  ${r.flag.padEnd(width)}${r.text}`));
  if (command.examples !== undefined && command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** Parses argv for a command; flags fall back to their environment variables. */
export function parseCommandArgs(
  command: Command,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { values: Values; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === true ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: command.positionals ?? false });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    throw new UsageError(unknown === undefined ? message : `${message}${didYouMeanSuffix(unknown, Object.keys(command.options))}`);
  }
  const values: Values = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const raw = parsed.values[name];
    const given = Array.isArray(raw) ? raw.join(',') : raw;
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    if (typeof given === 'string' || typeof given === 'boolean') values[name] = given;
    else if (fromEnv !== undefined && fromEnv !== '')
      values[name] = spec.type === 'boolean' ? ['1', 'true', 'yes'].includes(fromEnv.toLowerCase()) : fromEnv;
    else if (spec.default !== undefined) values[name] = spec.type === 'boolean' ? spec.default === 'true' : spec.default;
  }
  return { values, positionals: parsed.positionals, help: parsed.values.help === true };
}

export function stringOf(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function integerOf(values: Values, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = stringOf(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer in ${String(min)}..${String(max)}, got ${JSON.stringify(text)}`);
  return value;
}

export function listOf(values: Values, name: string): string[] | undefined {
  const text = stringOf(values, name);
  return text
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Runs one command with its argv: --help, usage errors (exit 2) and unexpected errors (exit 1) handled here. */
export async function runCommand(
  command: Command,
  argv: readonly string[],
  io: Io = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const { values, positionals, help } = parseCommandArgs(command, argv, env);
    if (help) {
      io.out(helpText(command));
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${command.name}: ${error.message}`);
      io.err(`Run \`kafka-cql-sink ${command.name} --help\` for usage.`);
      return 2;
    }
    io.err(`${command.name} failed: ${describe(error)}`);
    return 1;
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
