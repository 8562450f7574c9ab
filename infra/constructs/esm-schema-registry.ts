import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EsmSchemaRegistry } from '../config/esm-schema-registry.js';

/**
 * The SchemaRegistryConfig of the Kafka event source mappings, through
 * aws-cdk-lib's own classes: GlueSchemaRegistry also grants the function role
 * glue:GetRegistry on the registry and glue:GetSchemaVersion on it and its
 * schemas, which Lambda uses to validate; ConfluentSchemaRegistry grants
 * reading the access secret.
 */
export function esmSchemaRegistry(
  scope: Construct,
  config: EsmSchemaRegistry | undefined,
): sources.GlueSchemaRegistry | sources.ConfluentSchemaRegistry | undefined {
  if (config === undefined) return undefined;
  const common = {
    eventRecordFormat: lambda.EventRecordFormat[config.eventRecordFormat],
    schemaValidationConfigs: config.validate.map((attribute) => ({ attribute: lambda.KafkaSchemaValidationAttribute[attribute] })),
  };
  if (config.type === 'glue') return new sources.GlueSchemaRegistry({ ...common, schemaRegistryArn: config.registryArn });
  return new sources.ConfluentSchemaRegistry({
    ...common,
    schemaRegistryUri: config.url,
    authenticationType: lambda.KafkaSchemaRegistryAccessConfigType[config.authentication],
    secret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'SchemaRegistrySecret', config.secretArn),
  });
}
