import { showValue } from '../../lambdas/core/errors.js';
import type { DeployConfig } from './deploy-schema.js';

/** What Lambda accepts as a Kafka consumer group id (CreateEventSourceMapping's ConsumerGroupId). */
export const CONSUMER_GROUP_ID_PATTERN = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;
const MAX_GROUP_ID_LENGTH = 200;

/** The consumer group of one topic's event source mapping. */
export interface ConsumerGroup {
  readonly id: string;
  /** Written in the deployment config (consumerGroups, or consumerGroupId with one topic); false when derived. */
  readonly pinned: boolean;
}

/**
 * The group a topic gets when the deployment config names none: from the stack
 * and the topic only, so that adding or removing another topic never moves it.
 * Every character of a Kafka topic name (letters, digits, `.`, `_`, `-`) is allowed
 * in a group id; only the length can exceed the limit.
 */
export function defaultConsumerGroupId(stackName: string, topic: string): string {
  return `${stackName}-sink-${topic}`;
}

/**
 * One consumer group per consumed topic, with a problem per mistake. A mapping's
 * group cannot change (Lambda: "After creating a Kafka event source mapping with the
 * consumer group ID specified, you cannot update this value"; CloudFormation replaces
 * the mapping, and a new group starts from the starting position), and it must be
 * unique among the account's Kafka event sources: so never silently derive a group
 * from something other than the stack and the topic.
 */
export function resolveConsumerGroups(
  deploy: DeployConfig,
  topics: readonly string[],
): { groups: Record<string, ConsumerGroup>; problems: string[] } {
  const { consumerGroupId, consumerGroups = {} } = deploy.eventSource;
  const problems: string[] = [];
  if (consumerGroupId !== undefined && topics.length !== 1) problems.push(severalTopicsProblem(consumerGroupId, topics));
  for (const topic of Object.keys(consumerGroups)) {
    if (!topics.includes(topic))
      problems.push(`eventSource.consumerGroups.${topic}: ${showValue(topic)} is not a consumed topic (${topics.join(', ')})`);
  }
  const groups: Record<string, ConsumerGroup> = {};
  for (const topic of topics) {
    const explicit = consumerGroups[topic] ?? (topics.length === 1 ? consumerGroupId : undefined);
    const id = explicit ?? defaultConsumerGroupId(deploy.stackName, topic);
    if (explicit === undefined && id.length > MAX_GROUP_ID_LENGTH) {
      problems.push(
        `eventSource.consumerGroups.${topic}: required, the default group ${showValue(id)} is ${id.length} characters (at most ${MAX_GROUP_ID_LENGTH})`,
      );
    }
    groups[topic] = { id, pinned: explicit !== undefined };
  }
  const owners = new Map<string, string>();
  for (const [topic, group] of Object.entries(groups)) {
    const other = owners.get(group.id);
    if (other !== undefined)
      problems.push(
        `eventSource.consumerGroups.${topic}: topics ${other} and ${topic} both use group ${showValue(group.id)}; a group id must be unique per mapping`,
      );
    owners.set(group.id, topic);
  }
  return { groups, problems };
}

/** A loud refusal with the values to write: one setting for several topics was ambiguous before. */
function severalTopicsProblem(groupId: string, topics: readonly string[]): string {
  const perTopic = topics.map((topic) => `${topic}: ${groupId}-${topic}`).join(', ');
  const [first = 'orders'] = topics;
  return (
    `eventSource.consumerGroupId: only allowed with one consumed topic (got ${topics.length}: ${topics.join(', ')}); ` +
    `set eventSource.consumerGroups, one group per topic, instead. To keep the groups of a stack deployed with these topics, ` +
    `write consumerGroups: {${perTopic}}; if the stack consumed only one of them until now, give that one ${groupId}, ` +
    `e.g. consumerGroups: {${first}: ${groupId}} (a topic without an entry gets <stack>-sink-<topic>) (got ${showValue(groupId)})`
  );
}
