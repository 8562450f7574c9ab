import path from 'node:path';
import { createRequire } from 'node:module';
import { cacheDir, host, ports, repoRoot } from './paths.js';
import { type ServiceDefinition } from './process.js';

const require = createRequire(import.meta.url);

async function isHealthy(): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}:${ports.schemaRegistry}/subjects`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * A Confluent-protocol schema registry on loopback, in memory, for the codec
 * tests: Confluent's official Node client's in-memory registry behind its
 * REST API (schema-registry/server.ts). Not started with the other services:
 * the tests that need it start it. Why not Apicurio or Confluent's own
 * registry: docs/decisions/local-schema-registry.md.
 */
export const schemaRegistryService: ServiceDefinition = {
  name: 'schema-registry',
  ports: [ports.schemaRegistry],
  readyTimeoutMs: 30_000,
  // Everything it needs is in node_modules (the @confluentinc/schemaregistry dev dependency).
  install: () => Promise.resolve(),
  prepare() {
    return Promise.resolve({
      command: process.execPath,
      // --cache-dir puts the cache in the command line: that is how the pid check knows the process as ours.
      args: [
        '--import',
        require.resolve('tsx'),
        path.join(repoRoot, 'local', 'services', 'schema-registry', 'server.ts'),
        '--host',
        host,
        '--port',
        String(ports.schemaRegistry),
        '--cache-dir',
        cacheDir,
      ],
    });
  },
  isReady: isHealthy,
};
