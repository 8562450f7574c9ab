/**
 * `npm run soak [-- --records N]`: the soak run on the fault suite's own
 * services (ports and directory from test/fault/support/fault-env.ts, set here
 * before anything reads them). See local/soak/soak.ts.
 */
import { applyFaultServicesEnv } from '../../test/fault/support/fault-env.js';

applyFaultServicesEnv();
await import('./soak.js');
