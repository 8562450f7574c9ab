import { describe, expect, it } from 'vitest';
import { createPoller, pollerAdminOptions, pollerConsumerOptions, type PollerOptions } from '../../../local/poller/index.js';

const base: PollerOptions = {
  bootstrapServers: ['k1:9096', 'k2:9096'],
  topics: ['orders'],
  groupId: 'sink',
  handler: () => Promise.resolve(undefined),
};

describe("the poller's Kafka clients", () => {
  it('are plaintext without auth, with the group settings as before', () => {
    const consumer = pollerConsumerOptions(base);
    expect(consumer).toMatchObject({
      groupId: 'sink',
      clientId: 'local-poller-sink',
      bootstrapBrokers: ['k1:9096', 'k2:9096'],
      sessionTimeout: 10_000,
      maxWaitTime: 500,
    });
    expect(consumer.tls).toBeUndefined();
    expect(consumer.sasl).toBeUndefined();
    const admin = pollerAdminOptions(base);
    expect(admin).toEqual({ clientId: 'local-poller-admin', bootstrapBrokers: ['k1:9096', 'k2:9096'] });
  });

  it('give the consumer and the admin client the same TLS and SASL', () => {
    const auths: { auth: PollerOptions['auth']; tls: boolean; mechanism?: string }[] = [
      { auth: { type: 'tls' }, tls: true },
      { auth: { type: 'none', tls: true }, tls: true },
      {
        auth: { type: 'sasl', mechanism: 'SCRAM-SHA-512', username: 'sink', password: 'secret', tls: true },
        tls: true,
        mechanism: 'SCRAM-SHA-512',
      },
      { auth: { type: 'sasl', mechanism: 'PLAIN', username: 'sink', password: 'secret' }, tls: false, mechanism: 'PLAIN' },
      {
        auth: { type: 'msk-iam', region: 'eu-west-1', credentials: () => Promise.resolve({ accessKeyId: 'A', secretAccessKey: 'S' }) },
        tls: true,
        mechanism: 'OAUTHBEARER',
      },
    ];
    for (const { auth, tls, mechanism } of auths) {
      const options = { ...base, ...(auth === undefined ? {} : { auth }) };
      for (const client of [pollerConsumerOptions(options), pollerAdminOptions(options)]) {
        expect(client.tls !== undefined).toBe(tls);
        expect(client.sasl?.mechanism).toBe(mechanism);
        if (mechanism === 'OAUTHBEARER') expect(typeof client.sasl?.token).toBe('function');
        if (mechanism === 'PLAIN' || mechanism === 'SCRAM-SHA-512')
          expect(client.sasl).toMatchObject({ username: 'sink', password: 'secret' });
      }
    }
  });

  it('refuse a per-partition fetch size that is not a positive integer, naming the value', () => {
    expect(() => createPoller({ ...base, maxBytesPerPartition: 0 })).toThrow(
      'maxBytesPerPartition must be an integer in 1..2147483647, got 0',
    );
    expect(() => createPoller({ ...base, maxBytesPerPartition: 1.5 })).toThrow(/got 1\.5/);
    expect(() => createPoller({ ...base, maxBytesPerPartition: 65_536 })).not.toThrow();
  });
});
