/**
 * `tsx test/fault/support/launch.ts <command> [args…]`: runs the command with
 * the fault suite's service environment (see fault-env.ts), e.g.
 * `npm run test:fault` → `vitest run --project fault` against its own
 * Cassandra, Kafka and AWS emulator.
 */
import { spawn } from 'node:child_process';
import { applyFaultServicesEnv } from './fault-env.js';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write('usage: tsx test/fault/support/launch.ts <command> [args…]\n');
  process.exit(2);
}
applyFaultServicesEnv();
const child = spawn(command, args, { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 128));
});
