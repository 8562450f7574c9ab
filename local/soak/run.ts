/**
 * `npm run soak [-- --records N]`: see local/soak/soak.ts.
 *
 * The soak gets a set of services of its own — other ports, another data/log
 * directory (.cache/services-soak; downloads stay shared) — so that neither
 * the shared services (everyone's tests and benchmarks) nor the fault suite's
 * (whose teardown stops them all) are touched or touch it. Cassandra keeps
 * the stock periodic commit log sync: nothing is killed here. Any of these can
 * be overridden from the environment; they are set before anything reads them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const soakServicesEnv: Record<string, string> = {
  CASSANDRA_PORT: '39042',
  CASSANDRA_STORAGE_PORT: '37000',
  KAFKA_PORT: '39092',
  KAFKA_CONTROLLER_PORT: '39093',
  AWS_EMULATOR_PORT: '34566',
  KCS_SERVICES_DIR: path.join(repoRoot, '.cache', 'services-soak'),
  CASSANDRA_COMMITLOG_SYNC: 'periodic',
};
for (const [name, value] of Object.entries(soakServicesEnv)) {
  if (process.env[name] === undefined || process.env[name] === '') process.env[name] = value;
}
await import('./soak.js');
