import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from './support/synth.js';

/**
 * `npx cdk synth` as an operator without AWS credentials runs it: the real CLI in a
 * subprocess, on a copy of the repo, with no AWS variables, no usable ~/.aws and no
 * cdk.context.json. The in-process tests never see a context lookup (the App just
 * records it as missing); the CLI tries to resolve it and fails without credentials.
 * Examples run one after the other: each synth bundles both functions with esbuild.
 */

const root = new URL('../../', import.meta.url).pathname;
/** Not copied: dependencies (linked instead), build output, caches and any cached context. */
const SKIPPED = new Set(['node_modules', '.git', '.cache', 'cdk.out', 'coverage', 'cdk.context.json']);

/** The deployment configs (the sink.*.yaml files are sink configs they name). */
const deploymentFiles = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml') && !name.startsWith('sink.'));
const cases = [
  { name: 'the default (no -c deploy)', file: undefined },
  ...deploymentFiles.map((file) => ({ name: file, file: `infra/examples/${file}` })),
];

let work: string;
let copy: string;
let env: NodeJS.ProcessEnv;
const repoContextFile = join(root, 'cdk.context.json');
const repoHadContext = existsSync(repoContextFile);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kafka-cql-sink-cli-synth-'));
  copy = join(work, 'repo');
  cpSync(root, copy, {
    recursive: true,
    filter: (source) => !(SKIPPED.has(basename(source)) && source.startsWith(root) && !source.slice(root.length).includes('/')),
  });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  env = withoutAwsAccess(work);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('npx cdk synth without AWS credentials', () => {
  it('copies the repo without cached context', () => {
    expect(existsSync(join(copy, 'cdk.json'))).toBe(true);
    expect(existsSync(join(copy, 'cdk.context.json'))).toBe(false);
    expect(deploymentFiles.length).toBeGreaterThanOrEqual(4);
  });

  for (const { name, file } of cases) {
    it(`synthesizes ${name}`, { timeout: 600_000 }, async () => {
      // Each case starts without context, whatever an earlier one left.
      rmSync(join(copy, 'cdk.context.json'), { force: true });
      const outdir = join(work, `out-${file === undefined ? 'default' : basename(file, '.yaml')}`);
      const args = [
        '--no',
        'cdk',
        'synth',
        '--quiet',
        '--no-notices',
        '--output',
        outdir,
        ...(file === undefined ? [] : ['-c', `deploy=${file}`]),
      ];
      const result = await run('npx', args, copy, env);
      expect(result.code, `cdk synth ${name} failed:\n${result.output}`).toBe(0);
      expect(result.output).not.toContain('Need to perform AWS calls');
      const template = JSON.parse(readFileSync(join(outdir, 'Sink.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      expect(Object.values(template.Resources).some((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping')).toBe(true);
      // A lookup, answered or not, is cached in cdk.context.json: none may be written.
      expect(existsSync(join(copy, 'cdk.context.json')), 'cdk.context.json written in the copy').toBe(false);
      expect(existsSync(repoContextFile), 'cdk.context.json written in the repo').toBe(repoHadContext);
    });
  }
});

/** The environment minus everything that could reach an AWS account: variables, profiles, instance metadata. */
function withoutAwsAccess(dir: string): NodeJS.ProcessEnv {
  const home = join(dir, 'home');
  mkdirSync(home);
  const emptyFile = join(dir, 'empty-aws-file');
  writeFileSync(emptyFile, '');
  const kept = Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_'));
  return {
    ...Object.fromEntries(kept),
    HOME: home,
    AWS_CONFIG_FILE: emptyFile,
    AWS_SHARED_CREDENTIALS_FILE: emptyFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    // The npm cache stays where it was (HOME moved); `npx --no` never installs anything anyway.
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? dir, '.npm'),
  };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}
