import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Pinned so that a new rule release cannot break CI overnight. */
export const CFN_LINT_VERSION = '1.58.0';
const root = new URL('../../../', import.meta.url).pathname;
const venv = join(root, '.cache/cfn-lint/venv');
const bin = join(venv, 'bin/cfn-lint');

/** Installs cfn-lint from PyPI into a git-ignored venv once (a fresh machine has none). */
export function ensureCfnLint(): string {
  const stamp = join(venv, `.cfn-lint-${CFN_LINT_VERSION}`);
  if (existsSync(stamp)) return bin;
  mkdirSync(join(root, '.cache/cfn-lint'), { recursive: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin/pip'), ['install', '--quiet', '--cache-dir', join(root, '.cache/pip'), `cfn-lint==${CFN_LINT_VERSION}`], {
    stdio: 'inherit',
  });
  execFileSync('touch', [stamp]);
  return bin;
}

export interface CfnLintMatch {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

/** Runs cfn-lint on templates; returns its matches (errors and warnings; informational ones are left out). */
export function cfnLint(templates: readonly string[], regions: readonly string[]): CfnLintMatch[] {
  const cli = ensureCfnLint();
  try {
    execFileSync(cli, ['--format', 'json', '--regions', ...regions, '--', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return [];
  } catch (error) {
    // cfn-lint exits non-zero when it found something; the findings are on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout === undefined || stdout.trim() === '') throw error;
    return JSON.parse(stdout) as CfnLintMatch[];
  }
}
