import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';

/**
 * glue:GetSchemaVersion for the functions that decode the sink config's glue
 * topics (the sink, and the replay function, which decodes the same records).
 * A topic naming its registry gets that registry and its schemas only (the
 * resources aws-cdk-lib's GlueSchemaRegistry grants for the same call); one
 * without gets every registry and schema of the account in the region, as
 * the Glue guide's deserializer example ("IAM examples for deserializers")
 * grants. Nothing when no topic reads glue.
 */
export function glueSchemaReadResources(stack: Stack, sink: SinkConfig): string[] {
  const resources = new Set<string>();
  for (const settings of Object.values(sink.topics)) {
    if (settings.keyFormat !== 'glue' && settings.valueFormat !== 'glue') continue;
    const region = settings.glueSchemaRegistry?.region ?? stack.region;
    const name = settings.glueSchemaRegistry?.registryName;
    const arn = (resource: string): string => `arn:${stack.partition}:glue:${region}:${stack.account}:${resource}`;
    resources.add(arn(`registry/${name ?? '*'}`));
    resources.add(arn(`schema/${name ?? '*'}/*`));
  }
  return [...resources];
}

export function grantGlueSchemaReads(grantees: readonly iam.IGrantable[], sink: SinkConfig, stack: Stack): void {
  const resources = glueSchemaReadResources(stack, sink);
  if (resources.length === 0) return;
  for (const grantee of grantees) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['glue:GetSchemaVersion'], resources }));
  }
}
