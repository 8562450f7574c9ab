import { GetSchemaVersionCommand, type GlueClient } from '@aws-sdk/client-glue';
import type { GlueSchemaRegistry, GlueSchemaVersion } from '../core/codecs/glue-registry.js';
import { ConfigError, PoisonRecordError, TransientError } from '../core/errors.js';

export interface AwsGlueSchemaRegistryOptions {
  readonly client: GlueClient;
  /** When set, a version whose schema lives in another registry is refused (poison). */
  readonly registryName?: string;
}

const NOT_FOUND = new Set(['EntityNotFoundException']);
/** A malformed version id never becomes valid: the record is poison. */
const BAD_INPUT = new Set(['InvalidInputException', 'ValidationException']);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'InvalidSignatureException']);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/**
 * The Glue Schema Registry through the AWS SDK: GetSchemaVersion by
 * SchemaVersionId. Unknown versions are poison; access denied is a
 * configuration error (the role lacks glue:GetSchemaVersion); everything
 * else (throttling, network, 5xx) is transient, so the batch is retried.
 */
export class AwsGlueSchemaRegistry implements GlueSchemaRegistry {
  constructor(private readonly options: AwsGlueSchemaRegistryOptions) {}

  async getSchemaVersion(versionId: string): Promise<GlueSchemaVersion> {
    let response;
    try {
      response = await this.options.client.send(new GetSchemaVersionCommand({ SchemaVersionId: versionId }));
    } catch (error) {
      const name = errorName(error);
      const detail = `${name}: ${error instanceof Error ? error.message : String(error)}`;
      if (NOT_FOUND.has(name))
        throw new PoisonRecordError(`glue schema registry: no schema version ${versionId} (${detail})`, { cause: error });
      if (BAD_INPUT.has(name))
        throw new PoisonRecordError(`glue schema registry: schema version id ${versionId} was refused (${detail})`, { cause: error });
      if (DENIED.has(name))
        throw new ConfigError(
          `glue schema registry: access denied reading schema version ${versionId}; the function role needs glue:GetSchemaVersion (${detail})`,
        );
      throw new TransientError(`glue schema registry: fetching schema version ${versionId} failed (${detail})`, { cause: error });
    }
    const { DataFormat: dataFormat, SchemaDefinition: definition, SchemaArn: schemaArn } = response;
    if (dataFormat === undefined || definition === undefined) {
      throw new TransientError(
        `glue schema registry: schema version ${versionId} came back without ${dataFormat === undefined ? 'DataFormat' : 'SchemaDefinition'}`,
      );
    }
    const registryName = this.options.registryName;
    if (registryName !== undefined && schemaArn !== undefined && !schemaArn.includes(`:schema/${registryName}/`)) {
      throw new PoisonRecordError(
        `glue schema version ${versionId} belongs to ${schemaArn}, not to the configured registry ${JSON.stringify(registryName)}`,
      );
    }
    return { dataFormat, definition };
  }
}
