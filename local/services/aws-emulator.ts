import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, host, ports, repoRoot } from './paths.js';
import { type ServiceDefinition } from './process.js';

const run = promisify(execFile);

export const motoVersion = '5.2.5';

const requirements = path.join(repoRoot, 'local', 'services', 'python', 'moto.txt');
const venv = path.join(cacheDir, 'aws-emulator', 'venv');
const python = path.join(venv, 'bin', 'python');

/**
 * Installs moto into a venv in the cache from a hash-locked requirements
 * file, with pip's wheel cache under .cache/pip. A stamp keyed on the lock's
 * hash re-installs after the lock changes.
 */
async function installMoto(): Promise<void> {
  const stamp = path.join(cacheDir, 'aws-emulator', 'venv.stamp');
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(python)) return;
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(path.dirname(venv), { recursive: true });
  const system = process.env.KCS_PYTHON ?? 'python3';
  try {
    await run(system, ['-m', 'venv', venv]);
    await run(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--cache-dir',
        path.join(cacheDir, 'pip'),
        '--require-hashes',
        '-r',
        requirements,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const detail = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr).slice(-2000) : String(error);
    throw new Error(
      `aws-emulator: installing moto ${motoVersion} from ${requirements} with ${system} failed (needs Python 3.11):\n${detail}`,
      { cause: error },
    );
  }
  writeFileSync(stamp, hash);
}

async function isHealthy(): Promise<boolean> {
  try {
    // moto's dashboard page is small and answers only once the server routes requests. The body is
    // read to the end: an unread body left behind a timeout signal trips an assertion inside undici.
    const response = await fetch(`http://${host}:${ports.awsEmulator}/moto-api/`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * moto in server mode: SQS, Secrets Manager, S3 (and the MSK control plane)
 * on one port, all in memory. LocalStack was the first choice, but its last
 * offline-capable line (4.14) needs Python 3.12+ (its stores use PEP 695
 * generics) while these machines have 3.11; later LocalStack releases need an
 * online account.
 */
export const awsEmulatorService: ServiceDefinition = {
  name: 'aws-emulator',
  ports: [ports.awsEmulator],
  readyTimeoutMs: 60_000,
  install: installMoto,
  prepare() {
    return Promise.resolve({
      command: path.join(venv, 'bin', 'moto_server'),
      args: ['-H', host, '-p', String(ports.awsEmulator)],
    });
  },
  isReady: isHealthy,
};
