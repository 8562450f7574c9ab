import { ensureServices, stopServices } from '../../local/services/index.js';

/**
 * Integration tests run against real servers on loopback. Whatever is not
 * running yet is started here (fetched into .cache on the first run) and
 * stopped again afterwards; services that were already running are left as
 * they were. KCS_NO_AUTOSTART=1 turns this into a check that fails at once.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KCS_NO_AUTOSTART === '1') {
    const { serviceState } = await import('../../local/services/process.js');
    const { allServices } = await import('../../local/services/index.js');
    const stopped = allServices.filter((service) => serviceState(service.name).state !== 'running').map((s) => s.name);
    if (stopped.length > 0) throw new Error(`integration tests need ${stopped.join(', ')}: start them with \`npm run services:start\``);
    return () => Promise.resolve();
  }
  const log = (line: string): void => {
    console.log(`[services] ${line}`);
  };
  const started = await ensureServices(log);
  return async () => {
    await stopServices(started, log);
  };
}
