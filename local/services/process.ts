import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir, host, servicesDir } from './paths.js';
import { isPortFree } from './net.js';

/** One local service: how to fetch it, launch it and tell that it is ready. */
export interface ServiceDefinition {
  readonly name: string;
  /** Ports the service binds on 127.0.0.1; checked free before starting. */
  readonly ports: readonly number[];
  /** Fetches whatever the service needs into the cache; a no-op when already there. */
  install(): Promise<void>;
  /** Prepares config/data directories and returns the command to launch. */
  prepare(): Promise<LaunchCommand>;
  /** Resolves true once the service answers real requests. */
  isReady(): Promise<boolean>;
  /** How long to wait for readiness before giving up. */
  readonly readyTimeoutMs: number;
}

export interface LaunchCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export type ServiceState = { state: 'running'; pid: number } | { state: 'stopped' };

export const serviceDir = (name: string): string => path.join(servicesDir, name);
export const logFile = (name: string): string => path.join(serviceDir(name), `${name}.log`);
const pidFile = (name: string): string => path.join(serviceDir(name), `${name}.pid`);

/** A pid that is alive and still one of ours (its command line names our cache directory). */
function isOurs(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(cacheDir);
  } catch {
    return true; // no /proc: trust the signal check
  }
}

export function serviceState(name: string): ServiceState {
  if (!existsSync(pidFile(name))) return { state: 'stopped' };
  const pid = Number(readFileSync(pidFile(name), 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isOurs(pid)) return { state: 'running', pid };
  rmSync(pidFile(name), { force: true });
  return { state: 'stopped' };
}

export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
}

/**
 * Starts a service in its own process group so that stopping it takes every
 * child with it. Starting one that already runs is a no-op; a port held by
 * something else fails at once instead of waiting for a timeout.
 */
export async function startService(service: ServiceDefinition, log: (line: string) => void = () => undefined): Promise<void> {
  const current = serviceState(service.name);
  if (current.state === 'running') {
    await waitReady(service, current.pid);
    log(`${service.name}: already running (pid ${current.pid})`);
    return;
  }
  for (const port of service.ports) {
    if (!(await isPortFree(host, port))) {
      throw new ServiceStartError(
        `${service.name}: port ${host}:${port} is held by another process that this project did not start; ` +
          `stop it or move ${service.name} to another port (see README, "Local services")`,
      );
    }
  }
  log(`${service.name}: installing (cached after the first run)`);
  await service.install();
  const launch = await service.prepare();
  mkdirSync(serviceDir(service.name), { recursive: true });
  const out = openSync(logFile(service.name), 'a');
  const child = spawn(launch.command, [...launch.args], {
    cwd: launch.cwd ?? serviceDir(service.name),
    env: { ...process.env, ...launch.env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ServiceStartError(`${service.name}: could not launch ${launch.command}; see ${logFile(service.name)}`);
  child.unref();
  writeFileSync(pidFile(service.name), String(pid));
  log(`${service.name}: started (pid ${pid}), waiting until ready; log: ${logFile(service.name)}`);
  await waitReady(service, pid);
  log(`${service.name}: ready`);
}

async function waitReady(service: ServiceDefinition, pid: number): Promise<void> {
  const deadline = Date.now() + service.readyTimeoutMs;
  for (;;) {
    if (await service.isReady()) return;
    if (!isOurs(pid)) {
      rmSync(pidFile(service.name), { force: true });
      throw new ServiceStartError(`${service.name}: the process exited before it was ready; see ${logFile(service.name)}`);
    }
    if (Date.now() > deadline) {
      throw new ServiceStartError(
        `${service.name}: not ready after ${Math.round(service.readyTimeoutMs / 1000)}s (pid ${pid} still running); see ${logFile(service.name)}`,
      );
    }
    await sleep(500);
  }
}

/** Stops a service and every process it started; waits until they are gone. */
export async function stopService(name: string, log: (line: string) => void = () => undefined): Promise<void> {
  const current = serviceState(name);
  if (current.state === 'stopped') {
    log(`${name}: not running`);
    return;
  }
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-current.pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isOurs(current.pid) && Date.now() < deadline) await sleep(200);
  if (isOurs(current.pid)) signalGroup('SIGKILL');
  while (isOurs(current.pid)) await sleep(100);
  // Children of the group that outlived the leader (e.g. Python workers).
  signalGroup('SIGKILL');
  rmSync(pidFile(name), { force: true });
  log(`${name}: stopped`);
}
