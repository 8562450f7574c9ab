import { GlueClient } from '@aws-sdk/client-glue';
import type { GlueSchemaRegistry } from '../core/codecs/glue-registry.js';
import type { SinkConfig } from '../core/config/schema.js';
import { AwsGlueSchemaRegistry } from './glue-schema-registry.js';

/**
 * One Glue registry client per (region, registry) of the config's glue
 * topics, so topics reading one registry share one schema cache. Topics
 * without a glue format get none.
 */
export function glueRegistriesFor(
  config: SinkConfig,
  aws: { readonly region?: string },
): (topic: string) => GlueSchemaRegistry | undefined {
  const clients = new Map<string, GlueClient>();
  const registries = new Map<string, GlueSchemaRegistry>();
  const byTopic = new Map<string, GlueSchemaRegistry>();
  for (const [topic, settings] of Object.entries(config.topics)) {
    if (settings.keyFormat !== 'glue' && settings.valueFormat !== 'glue') continue;
    const region = settings.glueSchemaRegistry?.region ?? aws.region;
    const registryName = settings.glueSchemaRegistry?.registryName;
    const regionKey = region ?? '';
    let client = clients.get(regionKey);
    if (client === undefined) clients.set(regionKey, (client = new GlueClient(region === undefined ? {} : { region })));
    const key = `${regionKey}/${registryName ?? '*'}`;
    let registry = registries.get(key);
    if (registry === undefined)
      registries.set(key, (registry = new AwsGlueSchemaRegistry({ client, ...(registryName === undefined ? {} : { registryName }) })));
    byTopic.set(topic, registry);
  }
  return (topic) => byTopic.get(topic);
}
