import { allServices, describeEndpoints } from './index.js';
import { logFile, serviceState, startService, stopService, type ServiceDefinition } from './process.js';

const usage = `usage: services <start|stop|status> [cassandra|kafka|aws-emulator ...]

  start    fetch (first time only), launch and wait until ready; a no-op for what already runs
  stop     stop and wait until no process is left
  status   running or stopped, with pid and log file

Ports: CASSANDRA_PORT (9042), CASSANDRA_STORAGE_PORT (7000), KAFKA_PORT (9092),
KAFKA_CONTROLLER_PORT (9093), AWS_EMULATOR_PORT (4566). Cache: KCS_CACHE_DIR (.cache);
service data and logs: KCS_SERVICES_DIR (.cache/services).`;

function pick(names: readonly string[]): readonly ServiceDefinition[] {
  if (names.length === 0) return allServices;
  return names.map((name) => {
    const found = allServices.find((service) => service.name === name);
    if (found === undefined) throw new Error(`unknown service ${JSON.stringify(name)}; known: ${allServices.map((s) => s.name).join(', ')}`);
    return found;
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...names] = argv;
  const log = (line: string): void => { console.log(line); };
  switch (command) {
    case 'start': {
      // Started one after another: on 2 cores, three JVM/Python start-ups at once only slow each other down.
      for (const service of pick(names)) await startService(service, log);
      console.log(describeEndpoints());
      return;
    }
    case 'stop': {
      for (const service of [...pick(names)].reverse()) await stopService(service.name, log);
      return;
    }
    case 'status': {
      for (const service of pick(names)) {
        const state = serviceState(service.name);
        console.log(`${service.name.padEnd(13)} ${state.state === 'running' ? `running (pid ${state.pid})` : 'stopped'}  log: ${logFile(service.name)}`);
      }
      return;
    }
    case '--help':
    case '-h':
    case undefined:
      console.log(usage);
      return;
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
