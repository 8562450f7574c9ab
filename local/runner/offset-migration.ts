/**
 * Copying a Kafka Connect sink's committed offsets into the consumer groups of
 * the sink's event source mappings, so that a cut-over neither skips nor
 * rewrites records: a mapping given an existing group resumes from its commits
 * (StartingPosition is ignored then), and each mapping has one topic and a group
 * of its own, so the connector's one group is split per topic.
 */
import type { Admin } from '@platformatic/kafka';
import { createKafkaAdmin, type KafkaConnection } from '../../lambdas/adapters/kafka/index.js';
import { showValue } from '../../lambdas/core/errors.js';

/** Kafka's ListOffsets timestamp for the log start offset. */
const EARLIEST = -2n;

export interface PartitionCopy {
  readonly partition: number;
  readonly offset: bigint;
  /** False when the source group had no commit for the partition: then the log start offset, where a Connect sink task starts. */
  readonly committed: boolean;
}

export interface TopicCopy {
  readonly topic: string;
  readonly targetGroup: string;
  readonly partitions: readonly PartitionCopy[];
}

export interface MigrationPlan {
  readonly sourceGroup: string;
  readonly copies: readonly TopicCopy[];
  /** Reasons to stop; the copy is made only when there are none. */
  readonly refusals: readonly string[];
  readonly notes: readonly string[];
}

export interface GroupState {
  readonly members: readonly string[];
  /** topic → partition → committed offset. */
  readonly commits: ReadonlyMap<string, ReadonlyMap<number, bigint>>;
}

/** What the plan is computed from: read from Kafka by readMigrationState, or given by a test. */
export interface MigrationState {
  readonly source: GroupState;
  readonly targets: ReadonlyMap<string, GroupState>;
  /** topic → partition → log start offset; absent for a topic that does not exist. */
  readonly earliest: ReadonlyMap<string, ReadonlyMap<number, bigint>>;
}

/** Where each topic's offsets go: one group for the one topic, or a group per topic. */
export type TargetGroups =
  | { readonly kind: 'one'; readonly group: string; readonly topic?: string }
  | { readonly kind: 'per-topic'; readonly groups: Readonly<Record<string, string>> };

/**
 * The topics whose offsets to copy and their groups: with one target group the
 * source must have commits for one topic only (or `topic` picks it).
 */
export function targetTopics(
  sourceGroup: string,
  source: GroupState,
  targets: TargetGroups,
): { groups: Record<string, string>; refusals: string[] } {
  if (targets.kind === 'per-topic') return { groups: { ...targets.groups }, refusals: [] };
  if (targets.topic !== undefined) return { groups: { [targets.topic]: targets.group }, refusals: [] };
  const topics = [...source.commits.keys()];
  if (topics.length === 1) return { groups: { [topics[0] ?? '']: targets.group }, refusals: [] };
  if (topics.length === 0) return { groups: {}, refusals: [] };
  return {
    groups: {},
    refusals: [
      `group ${sourceGroup} has commits for ${String(topics.length)} topics (${topics.join(', ')}); a mapping takes one topic and a group of its own: give --group-for <topic>=<group> for each, or --deploy <deployment config>, or --topic with --to-group`,
    ],
  };
}

/** The copy to make, with every reason to refuse it. */
export function planMigration(sourceGroup: string, targets: TargetGroups, state: MigrationState, force: boolean): MigrationPlan {
  const refusals: string[] = [];
  const notes: string[] = [];
  if (state.source.members.length > 0) {
    refusals.push(
      `group ${sourceGroup} has ${String(state.source.members.length)} active member${state.source.members.length === 1 ? '' : 's'} (${state.source.members.join(', ')}): stop or pause the connector first, its tasks still commit`,
    );
  }
  if (state.source.commits.size === 0)
    refusals.push(`group ${sourceGroup} has no committed offsets: check the connector name (its group is connect-<name>)`);
  const chosen = targetTopics(sourceGroup, state.source, targets);
  refusals.push(...chosen.refusals);
  for (const topic of state.source.commits.keys()) {
    if (chosen.groups[topic] === undefined && chosen.refusals.length === 0)
      notes.push(`topic ${topic}: committed in ${sourceGroup} but not consumed by the sink's groups, not copied`);
  }
  const seen = new Map<string, string>();
  const copies: TopicCopy[] = [];
  for (const [topic, targetGroup] of Object.entries(chosen.groups)) {
    if (targetGroup === sourceGroup) refusals.push(`topic ${topic}: the target group ${showValue(targetGroup)} is the source group`);
    const other = seen.get(targetGroup);
    if (other !== undefined)
      refusals.push(`topics ${other} and ${topic} both go to group ${showValue(targetGroup)}; a group id must be unique per mapping`);
    seen.set(targetGroup, topic);
    const earliest = state.earliest.get(topic);
    if (earliest === undefined) {
      refusals.push(`topic ${showValue(topic)} does not exist`);
      continue;
    }
    const target: GroupState = state.targets.get(targetGroup) ?? { members: [], commits: new Map<string, ReadonlyMap<number, bigint>>() };
    if (target.members.length > 0)
      refusals.push(
        `group ${targetGroup} has active members (${target.members.join(', ')}): offsets of a group in use cannot be changed; stop its consumers first`,
      );
    const existing = [...target.commits].flatMap(([t, partitions]) =>
      [...partitions].sort(([a], [b]) => a - b).map(([p, o]) => `${t}/${String(p)}: ${String(o)}`),
    );
    if (existing.length > 0 && !force)
      refusals.push(`group ${targetGroup} already has commits (${existing.join(', ')}): it may be a group in use; --force overwrites them`);
    const committed = state.source.commits.get(topic) ?? new Map<number, bigint>();
    if (committed.size === 0)
      notes.push(`topic ${topic}: no commits in ${sourceGroup}; every partition starts at its earliest offset, as the connector's would`);
    const partitions = [...earliest.keys()]
      .sort((a, b) => a - b)
      .map((partition) => {
        const offset = committed.get(partition);
        return offset === undefined
          ? { partition, offset: earliest.get(partition) ?? 0n, committed: false }
          : { partition, offset, committed: true };
      });
    copies.push({ topic, targetGroup, partitions });
  }
  return { sourceGroup, copies, refusals, notes };
}

/** The plan as lines: `topic/partition: offset` under each target group. */
export function describePlan(plan: MigrationPlan): string[] {
  const lines: string[] = [];
  for (const copy of plan.copies) {
    lines.push(`${copy.topic} → group ${copy.targetGroup}:`);
    for (const p of copy.partitions) {
      lines.push(
        `  ${copy.topic}/${String(p.partition)}: ${String(p.offset)}${p.committed ? '' : ` (no commit in ${plan.sourceGroup}: the earliest offset, where a Connect sink task starts)`}`,
      );
    }
  }
  return lines;
}

/** Reads the groups' members and commits and the topics' partitions from Kafka. */
export async function readMigrationState(
  connection: KafkaConnection,
  sourceGroup: string,
  targetGroups: readonly string[],
  topics: readonly string[] | 'source',
): Promise<MigrationState> {
  const admin = migrationAdmin(connection);
  try {
    const groupIds = [sourceGroup, ...targetGroups.filter((g) => g !== sourceGroup)];
    const described = await admin.describeGroups({ groups: groupIds });
    const offsets = await admin.listConsumerGroupOffsets({ groups: groupIds });
    const stateOf = (groupId: string): GroupState => {
      const group = described.get(groupId);
      const members = group === undefined ? [] : [...group.members.values()].map((m) => `${m.clientId}@${m.clientHost.replace(/^\//, '')}`);
      const commits = new Map<string, Map<number, bigint>>();
      for (const t of offsets.find((o) => o.groupId === groupId)?.topics ?? []) {
        const partitions = new Map<number, bigint>();
        for (const p of t.partitions) if (p.committedOffset >= 0n) partitions.set(p.partitionIndex, p.committedOffset);
        if (partitions.size > 0) commits.set(t.name, partitions);
      }
      return { members, commits };
    };
    const source = stateOf(sourceGroup);
    const targets = new Map(targetGroups.map((g) => [g, stateOf(g)]));
    const wanted = topics === 'source' ? [...source.commits.keys()] : topics;
    const existing = new Set(await admin.listTopics());
    const present = wanted.filter((t) => existing.has(t));
    const earliest = new Map<string, Map<number, bigint>>();
    if (present.length > 0) {
      const metadata = await admin.metadata({ topics: present });
      const listed = await admin.listOffsets({
        topics: present.map((name) => ({
          name,
          partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({
            partitionIndex,
            timestamp: EARLIEST,
          })),
        })),
      });
      for (const t of listed) earliest.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.offset])));
    }
    return { source, targets, earliest };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Commits the plan's offsets in each target group, then reads them back. */
export async function applyMigration(connection: KafkaConnection, plan: MigrationPlan): Promise<void> {
  if (plan.refusals.length > 0) throw new Error(`refusing to copy offsets: ${plan.refusals.join('; ')}`);
  const admin = migrationAdmin(connection);
  try {
    for (const copy of plan.copies) {
      await admin.alterConsumerGroupOffsets({
        groupId: copy.targetGroup,
        topics: [{ name: copy.topic, partitionOffsets: copy.partitions.map((p) => ({ partition: p.partition, offset: p.offset })) }],
      });
      const [read] = await admin.listConsumerGroupOffsets({
        groups: [{ groupId: copy.targetGroup, topics: [{ name: copy.topic, partitionIndexes: copy.partitions.map((p) => p.partition) }] }],
      });
      const readBack = new Map(
        (read?.topics.find((t) => t.name === copy.topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]),
      );
      const wrong = copy.partitions.filter((p) => readBack.get(p.partition) !== p.offset);
      if (wrong.length > 0) {
        throw new Error(
          `group ${copy.targetGroup}: read back ${wrong.map((p) => `${copy.topic}/${String(p.partition)}: ${String(readBack.get(p.partition))} (wanted ${String(p.offset)})`).join(', ')}`,
        );
      }
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function migrationAdmin(connection: KafkaConnection): Admin {
  return createKafkaAdmin(connection, 'kafka-cql-sink-migrate-offsets');
}
