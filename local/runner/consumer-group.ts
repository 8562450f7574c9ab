/**
 * The consumer group of a local run: one of its own per config, so that
 * running your config never takes over the demo's partitions or starts from
 * its offsets, and a warning when the group already has members.
 */
import path from 'node:path';
import { createKafkaAdmin, type BrokerAuth } from '../../lambdas/adapters/kafka/index.js';

/**
 * `kafka-cql-sink-<config file name>` (without extension; characters a group
 * id does not take become `_`): stable across runs of the same file, so a
 * restart resumes from the group's commits.
 */
export function groupIdForConfig(configFile: string): string {
  const base = path.basename(configFile).replace(/\.(ya?ml|json)$/i, '');
  return `kafka-cql-sink-${base.replace(/[^A-Za-z0-9._-]/g, '_')}`.slice(0, 200);
}

export interface GroupMemberInfo {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
}

/** The group's current members (none when the group is empty, dead or unknown). */
export async function activeMembers(
  bootstrapServers: readonly string[],
  groupId: string,
  auth: BrokerAuth = { type: 'none' },
): Promise<GroupMemberInfo[]> {
  const admin = createKafkaAdmin({ bootstrapServers, auth }, 'kafka-cql-sink-group-check');
  try {
    const groups = await admin.describeGroups({ groups: [groupId] });
    const group = groups.get(groupId);
    if (group === undefined) return [];
    return [...group.members.values()].map((member) => ({ memberId: member.id, clientId: member.clientId, host: member.clientHost }));
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** The warning printed before joining a group with members, or undefined. */
export function sharedGroupWarning(groupId: string, members: readonly GroupMemberInfo[]): string | undefined {
  if (members.length === 0) return undefined;
  const names = members.map((member) => `${member.clientId}@${member.host.replace(/^\//, '')} (${member.memberId})`).join(', ');
  return `warning: consumer group ${groupId} has ${String(members.length)} active member${members.length === 1 ? '' : 's'}: ${names}. This run joins them and takes a share of their partitions; give --group-id for a group of its own.`;
}
