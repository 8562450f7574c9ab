import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { parse as parseYaml } from 'yaml';
import { parseDeployConfig, resolveDeployment, type Deployment } from '../../../infra/config/load.js';
import { EXAMPLES } from './synth.js';

/** What CloudFormation keys a Kafka mapping by, and what it cannot change in place. */
export interface MappingIdentity {
  readonly topic: string;
  readonly consumerGroupId: string;
}

/** Every Kafka event source mapping of a template: logical id → topic and consumer group. */
export function kafkaMappings(template: Template): Record<string, MappingIdentity> {
  const mappings = template.findResources('AWS::Lambda::EventSourceMapping') as Record<string, { Properties: Record<string, unknown> }>;
  const found: Record<string, MappingIdentity> = {};
  for (const [logicalId, { Properties: properties }] of Object.entries(mappings)) {
    const topics = properties.Topics as string[] | undefined;
    if (topics === undefined) continue; // the replay queue's SQS mapping
    const config = (properties.AmazonManagedKafkaEventSourceConfig ?? properties.SelfManagedKafkaEventSourceConfig) as
      { ConsumerGroupId?: string } | undefined;
    found[logicalId] = { topic: topics.join(','), consumerGroupId: config?.ConsumerGroupId ?? '(none)' };
  }
  return found;
}

/** An example deployment whose sink config gains more topics (copies of its first topic). */
export function exampleWithTopics(name: string, extraTopics: readonly string[]): Deployment {
  const file = join(EXAMPLES, name);
  const deploy = parseDeployConfig(parseYaml(readFileSync(file, 'utf8')), file);
  const sinkFile = join(dirname(file), deploy.sinkConfig);
  const sink = parseYaml(readFileSync(sinkFile, 'utf8')) as { topics: Record<string, unknown> };
  const [first] = Object.values(sink.topics);
  const topics = { ...sink.topics, ...Object.fromEntries(extraTopics.map((topic) => [topic, first])) };
  return resolveDeployment(deploy, { ...sink, topics }, sinkFile);
}
