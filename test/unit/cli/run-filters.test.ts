import { describe, expect, it } from 'vitest';
import { helpText, parseCommandArgs, UsageError } from '../../../local/cli/command.js';
import { recordFilterFromFlags, runCommand } from '../../../local/cli/commands/run.js';

const json = (value: unknown): { value: Buffer } => ({ value: Buffer.from(JSON.stringify(value)) });
const filterOf = (argv: string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}) =>
  recordFilterFromFlags(parseCommandArgs(runCommand, argv, env).values, (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
    return text;
  });

describe('run: --filters', () => {
  it('is documented, with its variable', () => {
    const help = helpText(runCommand);
    expect(help).toContain('--filters <json|@file>');
    expect(help).toContain('env KAFKA_FILTERS');
  });

  it("takes inline JSON, or the replay function's KAFKA_FILTERS", () => {
    const filter = filterOf(['--filters', '[{"value":{"status":["PAID"]}}]']);
    expect(filter?.matches(json({ status: 'PAID' }))).toBe(true);
    expect(filter?.matches(json({ status: 'NEW' }))).toBe(false);
    expect(filterOf([], { KAFKA_FILTERS: '[{"value":[{"prefix":"ok"}]}]' })?.matches({ value: Buffer.from('ok then') })).toBe(true);
    expect(filterOf([])).toBeUndefined();
  });

  it('reads @file as YAML or JSON, as the deployment config writes them', () => {
    const yaml = '- value:\n    status: [PAID]\n- value:\n    total: [{numeric: [">", 100]}]\n';
    const filter = filterOf(['--filters', '@filters.yaml'], {}, { 'filters.yaml': yaml });
    expect(filter?.patterns).toHaveLength(2);
    expect(filter?.matches(json({ status: 'NEW', total: 120 }))).toBe(true);
    expect(filter?.matches(json({ status: 'NEW', total: 80 }))).toBe(false);
  });

  it('is a usage error naming the flag, the path and the value when a pattern is not supported or not readable', () => {
    expect(() => filterOf(['--filters', '[{"value":{"sku":[{"wildcard":"A*"}]}}]'])).toThrow(UsageError);
    expect(() => filterOf(['--filters', '[{"value":{"sku":[{"wildcard":"A*"}]}}]'])).toThrow(
      /^--filters: 0\.value\.sku\.0\.wildcard: operator "wildcard" is not supported.*\(got "A\*"\)$/,
    );
    expect(() => filterOf(['--filters', '{oops'])).toThrow(/^--filters: not JSON/);
    expect(() => filterOf(['--filters', '@missing.yaml'])).toThrow(/^--filters @missing\.yaml: cannot read it: ENOENT/);
  });
});
