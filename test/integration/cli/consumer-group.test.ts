import { Admin, Consumer } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { activeMembers, sharedGroupWarning } from '../../../local/runner/consumer-group.js';
import { endpoints, uniqueName } from '../../support/services.js';

describe('the group check before a local run', () => {
  const bootstrapBrokers = [endpoints.kafka];
  const topic = uniqueName('it-group-check');
  const admin = new Admin({ clientId: 'it-admin', bootstrapBrokers });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  });

  it('names the members of a group that is in use, and none once they left', async () => {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const groupId = uniqueName('it-busy-group');
    expect(await activeMembers(bootstrapBrokers, groupId)).toEqual([]);

    const consumer = new Consumer({ groupId, clientId: 'someone-else', bootstrapBrokers });
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    try {
      const members = await activeMembers(bootstrapBrokers, groupId);
      expect(members).toHaveLength(1);
      expect(members[0]?.clientId).toBe('someone-else');
      expect(sharedGroupWarning(groupId, members)).toContain(`consumer group ${groupId} has 1 active member: someone-else@`);
    } finally {
      await stream.close();
      await consumer.close(true);
    }
    expect(await activeMembers(bootstrapBrokers, groupId)).toEqual([]);
  });
});
