import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, host, ports, repoRoot } from './paths.js';
import { serviceDir, type ServiceDefinition } from './process.js';

const run = promisify(execFile);

export const localstackVersion = '4.14.0';

const requirements = path.join(repoRoot, 'local', 'services', 'python', 'localstack.txt');
const venv = path.join(cacheDir, 'localstack', 'venv');
const python = path.join(venv, 'bin', 'python');
const downloads = path.join(cacheDir, 'localstack', 'downloads');

/** The environment variable that names a Python 3.13 interpreter explicitly. */
export const PYTHON_ENV = 'KCS_LOCALSTACK_PYTHON';

/** True when `command` runs and is Python 3.13 (a pyenv shim for a version not selected fails here). */
async function isPython313(command: string): Promise<boolean> {
  try {
    const { stdout } = await run(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { timeout: 20_000 });
    return stdout.trim() === '3.13';
  } catch {
    return false;
  }
}

async function pyenvRoot(): Promise<string> {
  try {
    const { stdout } = await run('pyenv', ['root'], { timeout: 20_000 });
    if (stdout.trim() !== '') return stdout.trim();
  } catch {
    // no pyenv on PATH: its default root
  }
  return process.env.PYENV_ROOT ?? path.join(homedir(), '.pyenv');
}

/**
 * The Python 3.13 that LocalStack 4.14 runs on, found the way a fresh machine
 * has it: $KCS_LOCALSTACK_PYTHON, else `python3.13` on PATH, else the newest
 * `$(pyenv root)/versions/3.13.*` (pyenv's shim on PATH fails while 3.13 is
 * not pyenv's selected version, which is why both are tried).
 */
export async function findPython313(): Promise<string> {
  const tried: string[] = [];
  const explicit = process.env[PYTHON_ENV];
  if (explicit !== undefined && explicit !== '') {
    if (await isPython313(explicit)) return explicit;
    throw new Error(`localstack: ${PYTHON_ENV}=${JSON.stringify(explicit)} is not a working Python 3.13 interpreter`);
  }
  tried.push(`${PYTHON_ENV} (unset)`);
  if (await isPython313('python3.13')) return 'python3.13';
  tried.push('python3.13 on PATH (missing or not runnable)');
  const versions = path.join(await pyenvRoot(), 'versions');
  const candidates = existsSync(versions)
    ? readdirSync(versions)
        .filter((name) => /^3\.13(\.\d+)?$/.test(name))
        .sort((a, b) => Number(b.split('.')[2] ?? 0) - Number(a.split('.')[2] ?? 0))
        .map((name) => path.join(versions, name, 'bin', 'python3.13'))
    : [];
  for (const candidate of candidates) {
    if (await isPython313(candidate)) return candidate;
  }
  tried.push(
    `${path.join(versions, '3.13.*', 'bin', 'python3.13')} (${candidates.length === 0 ? 'none' : candidates.join(', ') + ' not runnable'})`,
  );
  throw new Error(
    `localstack: LocalStack ${localstackVersion} needs Python 3.13 and none was found; tried ${tried.join('; ')}. ` +
      `Install it (e.g. \`pyenv install 3.13\`) or point ${PYTHON_ENV} at a python3.13 binary.`,
  );
}

/**
 * Installs LocalStack into its own venv in the cache from a hash-locked
 * requirements file. The distributions are downloaded once into
 * .cache/localstack/downloads (the registry's responses are not cacheable, so
 * pip's HTTP cache keeps nothing) and installed from there without the index;
 * pip's wheel cache (.cache/pip) keeps the wheels it builds from the few
 * source-only packages. Stamps keyed on the lock's hash redo both after the
 * lock changes.
 */
export async function installLocalstack(): Promise<void> {
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = path.join(cacheDir, 'localstack', 'venv.stamp');
  const downloadsStamp = path.join(downloads, '.stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(python)) return;
  const system = await findPython313();
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(path.dirname(venv), { recursive: true });
  const pip = (args: readonly string[]) =>
    run(
      python,
      [
        '-m',
        'pip',
        ...args,
        '--quiet',
        '--disable-pip-version-check',
        '--cache-dir',
        path.join(cacheDir, 'pip'),
        '--require-hashes',
        '-r',
        requirements,
      ],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  try {
    await run(system, ['-m', 'venv', venv]);
    if (!existsSync(downloadsStamp) || readFileSync(downloadsStamp, 'utf8') !== hash) {
      mkdirSync(downloads, { recursive: true });
      await pip(['download', '--dest', downloads]);
      writeFileSync(downloadsStamp, hash);
    }
    await pip(['install', '--no-index', '--find-links', downloads]);
  } catch (error) {
    const detail = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr).slice(-2000) : String(error);
    throw new Error(`localstack: installing LocalStack ${localstackVersion} from ${requirements} with ${system} failed:\n${detail}`, {
      cause: error,
    });
  }
  writeFileSync(stamp, hash);
}

/**
 * The CloudFormation resource types the installed LocalStack has a provider for (read from its
 * plugin entry points). It reports any other type as created without creating anything.
 */
export function localstackResourceTypes(): string[] {
  const sitePackages = path.join(venv, 'lib', 'python3.13', 'site-packages');
  const distInfo = readdirSync(sitePackages).find((name) => name.startsWith('localstack_core-') && name.endsWith('.dist-info'));
  if (distInfo === undefined)
    throw new Error(`localstack: localstack-core is not installed in ${venv}; run \`npm run services:install -- localstack\``);
  const entryPoints = readFileSync(path.join(sitePackages, distInfo, 'entry_points.txt'), 'utf8');
  const section = /^\[localstack\.cloudformation\.resource_providers\]\n([\s\S]*?)(?:^\[|(?![\s\S]))/m.exec(entryPoints);
  if (section?.[1] === undefined)
    throw new Error(`localstack: no CloudFormation resource providers listed in ${distInfo}/entry_points.txt`);
  return section[1].split('\n').flatMap((line) => {
    const type = line.split('=')[0]?.trim();
    return type === undefined || type === '' ? [] : [type];
  });
}

/** The endpoint of the local LocalStack. */
export const localstackEndpoint = `http://${host}:${ports.localstack}`;

async function isHealthy(): Promise<boolean> {
  try {
    const response = await fetch(`${localstackEndpoint}/_localstack/health`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { services?: Record<string, string> };
    // "available" until first use, then "running": either way the provider is loaded.
    return response.ok && ['available', 'running'].includes(body.services?.cloudformation ?? '');
  } catch {
    return false;
  }
}

/**
 * LocalStack 4.14 in host mode (no Docker): the CloudFormation, IAM, KMS, SQS,
 * S3, Secrets Manager, CloudWatch and Logs that the deploy test deploys the
 * stacks into. Only that test starts it (moto is the emulator for everything
 * else): it is not part of `npm start` or a bare `services:start`.
 */
export const localstackService: ServiceDefinition = {
  name: 'localstack',
  ports: [ports.localstack],
  readyTimeoutMs: 120_000,
  install: installLocalstack,
  prepare() {
    const dir = serviceDir('localstack');
    const filesystem = path.join(dir, 'filesystem');
    // A fresh, empty account on every start: the deploy test owns what is in it.
    rmSync(filesystem, { recursive: true, force: true });
    mkdirSync(path.join(filesystem, 'tmp'), { recursive: true });
    return Promise.resolve({
      command: python,
      args: ['-m', 'localstack.runtime.main'],
      env: {
        GATEWAY_LISTEN: `${host}:${ports.localstack}`,
        // The host and port in the URLs it hands out (queue URLs, stack outputs).
        LOCALSTACK_HOST: `${host}:${ports.localstack}`,
        // Queue URLs on that host (http://127.0.0.1:<port>/queue/<region>/<account>/<name>), no DNS needed.
        SQS_ENDPOINT_STRATEGY: 'path',
        // Its state, config and temporary files stay in the service directory.
        FILESYSTEM_ROOT: filesystem,
        CONFIG_DIR: path.join(dir, 'config'),
        LOCALSTACK_VOLUME_DIR: path.join(filesystem, 'volume'),
        TMPDIR: path.join(filesystem, 'tmp'),
        // Offline and quiet: no DNS server on port 53, no analytics, no certificate download.
        DNS_ADDRESS: '0',
        DISABLE_EVENTS: '1',
        SKIP_SSL_CERT_DOWNLOAD: '1',
        // Needed offline: without its online catalog, LocalStack's change-set check calls every
        // resource type unsupported. A type without a provider is then "deployed as a fallback"
        // (nothing created): the deploy test removes those types first and fails on any such event.
        CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES: '1',
        PERSISTENCE: '0',
      },
    });
  },
  isReady: isHealthy,
};
