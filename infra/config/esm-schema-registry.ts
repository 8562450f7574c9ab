import { z } from 'zod';
import { secretArnSchema } from '../../lambdas/core/config/connection.js';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';

/** A Glue registry ARN, as SchemaRegistryURI takes it for Glue (Lambda API, KafkaSchemaRegistryConfig). */
const GLUE_REGISTRY_ARN = /^arn:aws[a-z-]*:glue:[a-z0-9-]+:\d{12}:registry\/[a-zA-Z0-9-_$#]{1,255}$/;

/**
 * The event source mapping's own schema registry integration
 * (SchemaRegistryConfig of AmazonManagedKafkaEventSourceConfig /
 * SelfManagedKafkaEventSourceConfig; provisioned mode only, one registry per
 * mapping). Lambda validates the selected attributes against the registry and
 * delivers them as JSON text (EventRecordFormat JSON) or as the serialized
 * bytes without their wire-format prefix (SOURCE), with the schema in
 * keySchemaMetadata / valueSchemaMetadata.
 */
export const esmSchemaRegistrySchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('glue').describe('The registry kind: the AWS Glue Schema Registry.'),
        registryArn: z
          .string()
          .regex(GLUE_REGISTRY_ARN, 'expected a Glue registry ARN (arn:aws:glue:<region>:<account>:registry/<name>)')
          .describe('The Glue registry (SchemaRegistryURI).'),
        eventRecordFormat: z
          .enum(['JSON', 'SOURCE'])
          .describe(
            "JSON: Lambda deserializes; topic formats must be `json`. SOURCE: the record's bytes without the Glue header; topic formats must be `glue`.",
          ),
        validate: z
          .array(z.enum(['KEY', 'VALUE']))
          .min(1)
          .max(2)
          .default(['VALUE'])
          .describe('Attributes Lambda validates (and, with JSON, deserializes): SchemaValidationConfigs. Default: VALUE.'),
      })
      .strict(),
    z
      .object({
        type: z.literal('confluent').describe('The registry kind: a Confluent-compatible registry.'),
        url: z.url().describe('The Confluent-compatible registry (SchemaRegistryURI).'),
        eventRecordFormat: z
          .enum(['JSON', 'SOURCE'])
          .describe(
            "JSON: Lambda deserializes; topic formats must be `json`. SOURCE: the record's bytes without the Confluent prefix; topic formats must be `avro`.",
          ),
        validate: z
          .array(z.enum(['KEY', 'VALUE']))
          .min(1)
          .max(2)
          .default(['VALUE'])
          .describe('Attributes Lambda validates (and, with JSON, deserializes): SchemaValidationConfigs. Default: VALUE.'),
        authentication: z
          .enum(['BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH', 'SERVER_ROOT_CA_CERTIFICATE'])
          .default('BASIC_AUTH')
          .describe('How Lambda authenticates to the registry (AccessConfigs Type).'),
        secretArn: secretArnSchema.describe('The secret Lambda reads for that authentication (AccessConfigs URI).'),
      })
      .strict(),
  ])
  .describe(
    "The event source mapping's own schema registry integration (provisioned mode). The function decodes what it delivers: JSON through the `json` format, SOURCE through the native decoders " +
      "with the schema the record's metadata names. Replay re-reads raw Kafka bytes with their wire prefix, so the native format stays configured either way (see docs/deploy.md).",
  );

export type EsmSchemaRegistry = z.output<typeof esmSchemaRegistrySchema>;

/**
 * The sink's topic formats must read what the integration delivers: JSON text
 * under `json`; SOURCE bytes under the registry's native format. Attributes the
 * integration does not validate arrive as they are in Kafka.
 */
export function esmSchemaRegistryProblems(registry: EsmSchemaRegistry | undefined, sink: SinkConfig, topics: readonly string[]): string[] {
  if (registry === undefined) return [];
  const expected = registry.eventRecordFormat === 'JSON' ? 'json' : registry.type === 'glue' ? 'glue' : 'avro';
  const problems: string[] = [];
  for (const topic of topics) {
    const settings = sink.topics[topic];
    if (settings === undefined) continue;
    for (const attribute of registry.validate) {
      const setting = attribute === 'KEY' ? 'keyFormat' : 'valueFormat';
      const format = settings[setting];
      if (format !== expected) {
        problems.push(
          `eventSource.schemaRegistry: ${registry.type} with eventRecordFormat ${registry.eventRecordFormat} delivers ${attribute.toLowerCase()}s that topics.${topic}.${setting} must read as ${expected} (got ${JSON.stringify(format)})`,
        );
      }
    }
  }
  return problems;
}
