import { localstackService } from '../../local/services/localstack.js';
import { serviceState, startService, stopService } from '../../local/services/process.js';

/**
 * The deploy test's LocalStack: installed into .cache on first use (CI does that first with
 * `npm run services:install -- localstack`), started when not already running, and stopped
 * afterwards only if this setup started it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const log = (line: string): void => {
    console.log(`[services] ${line}`);
  };
  const wasRunning = serviceState(localstackService.name).state === 'running';
  await startService(localstackService, log);
  return async () => {
    if (!wasRunning) await stopService(localstackService.name, log);
  };
}
