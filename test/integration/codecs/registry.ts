import { schemaRegistryService } from '../../../local/services/schema-registry.js';
import { serviceState, startService, stopService } from '../../../local/services/process.js';
import { endpoints } from '../../../local/services/paths.js';

/** Starts the codec tests' schema registry unless it runs; the returned function stops it only if started here. */
export async function useSchemaRegistry(): Promise<() => Promise<void>> {
  const wasRunning = serviceState(schemaRegistryService.name).state === 'running';
  await startService(schemaRegistryService);
  return wasRunning ? () => Promise.resolve() : () => stopService(schemaRegistryService.name);
}

export interface SchemaToRegister {
  readonly schema: string;
  readonly schemaType: 'AVRO' | 'PROTOBUF' | 'JSON';
  readonly references?: readonly { readonly name: string; readonly subject: string; readonly version: number }[];
}

/** Registers a schema under a subject through the registry's REST API (as a producer's serializer does); returns its id. */
export async function registerSchema(subject: string, schema: SchemaToRegister): Promise<number> {
  const response = await fetch(`${endpoints.schemaRegistry}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(schema),
  });
  const body = (await response.json()) as { id?: number };
  if (!response.ok || typeof body.id !== 'number')
    throw new Error(`registering ${subject} failed: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}
