import { allServices, ensureServices, stopServices } from '../../local/services/index.js';
import { servicesDir } from '../../local/services/paths.js';

/**
 * The fault suite kills and restarts its services, so it runs on a set of its
 * own (ports and directory from the environment `npm run test:fault` sets; see
 * test/fault/support/fault-env.ts), never on the shared one. They are started
 * here and all of them are stopped afterwards: a test may have left one in any
 * state.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KCS_FAULT_SUITE !== '1')
    throw new Error('run the fault suite with `npm run test:fault` (its own ports and KCS_SERVICES_DIR)');
  const log = (line: string): void => {
    console.log(`[fault services] ${line}`);
  };
  log(`data and logs under ${servicesDir}`);
  await ensureServices(log);
  return async () => {
    await stopServices(
      allServices.map((service) => service.name),
      log,
    );
  };
}
