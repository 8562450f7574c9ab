import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The fault-injection suite and the soak run kill and restart their services,
 * so they get a set of their own: other ports, another data/log/pid directory
 * (the downloads in .cache stay shared), and a Cassandra that syncs its commit
 * log before acknowledging a write (so a SIGKILL loses no acknowledged write;
 * see local/services/cassandra.ts). Any of these can be overridden from the
 * environment.
 */
export const faultServicesEnv: Readonly<Record<string, string>> = {
  KCS_FAULT_SUITE: '1',
  CASSANDRA_PORT: '29042',
  CASSANDRA_STORAGE_PORT: '27000',
  KAFKA_PORT: '29092',
  KAFKA_CONTROLLER_PORT: '29093',
  AWS_EMULATOR_PORT: '24566',
  KCS_SERVICES_DIR: path.join(repoRoot, '.cache', 'services-fault'),
  CASSANDRA_COMMITLOG_SYNC: 'group',
};

/** Sets every variable above that the environment does not set already. Call before importing local/services. */
export function applyFaultServicesEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(faultServicesEnv)) {
    if (env[name] === undefined || env[name] === '') env[name] = value;
  }
}
