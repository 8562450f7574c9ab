import { allServices, describeEndpoints, knownServices } from './index.js';
import { localstackEndpoint, localstackService } from './localstack.js';
import { logFile, serviceState, startService, stopService, type ServiceDefinition } from './process.js';

const usage = `usage: services <start|stop|status|install> [cassandra|kafka|aws-emulator|localstack ...]

  start    fetch (first time only), launch and wait until ready; a no-op for what already runs
  stop     stop and wait until no process is left
  status   running or stopped, with pid and log file
  install  fetch into the cache only (CI installs LocalStack this way before the tests)

Without names, start means cassandra, kafka and aws-emulator; stop, status and install
mean every service, LocalStack too (only the deploy test starts it).

Ports: CASSANDRA_PORT (9042), CASSANDRA_STORAGE_PORT (7000), KAFKA_PORT (9092),
KAFKA_CONTROLLER_PORT (9093), AWS_EMULATOR_PORT (4566), LOCALSTACK_PORT (4599).
Cache: KCS_CACHE_DIR (.cache); service data and logs: KCS_SERVICES_DIR (.cache/services).`;

function pick(names: readonly string[], fallback: readonly ServiceDefinition[]): readonly ServiceDefinition[] {
  if (names.length === 0) return fallback;
  return names.map((name) => {
    const found = knownServices.find((service) => service.name === name);
    if (found === undefined)
      throw new Error(`unknown service ${JSON.stringify(name)}; known: ${knownServices.map((s) => s.name).join(', ')}`);
    return found;
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...names] = argv;
  const log = (line: string): void => {
    console.log(line);
  };
  switch (command) {
    case 'start': {
      // Started one after another: on 2 cores, three JVM/Python start-ups at once only slow each other down.
      const services = pick(names, allServices);
      for (const service of services) await startService(service, log);
      if (services.some((service) => allServices.includes(service))) console.log(describeEndpoints());
      if (services.includes(localstackService)) console.log(`LocalStack  ${localstackEndpoint}  (account = the 12-digit access key id)`);
      return;
    }
    case 'stop': {
      for (const service of [...pick(names, knownServices)].reverse()) await stopService(service.name, log);
      return;
    }
    case 'status': {
      for (const service of pick(names, knownServices)) {
        const state = serviceState(service.name);
        console.log(
          `${service.name.padEnd(13)} ${state.state === 'running' ? `running (pid ${state.pid})` : 'stopped'}  log: ${logFile(service.name)}`,
        );
      }
      return;
    }
    case 'install': {
      for (const service of pick(names, knownServices)) {
        const started = Date.now();
        await service.install();
        log(`${service.name}: installed (${Math.round((Date.now() - started) / 1000)}s)`);
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
