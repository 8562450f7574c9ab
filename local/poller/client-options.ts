/** How the poller's Kafka clients connect: the options of its consumer and of its admin client. */
import type { AdminOptions, ConsumerOptions } from '@platformatic/kafka';
import { kafkaClientOptions } from '../../lambdas/adapters/kafka/index.js';
import type { PollerOptions } from './options.js';

/** The options of the poller's consumer: the group, its session settings and the connection (options.auth). */
export function pollerConsumerOptions(options: PollerOptions): ConsumerOptions<Buffer, Buffer, Buffer, Buffer> {
  return {
    groupId: options.groupId,
    clientId: options.clientId ?? `local-poller-${options.groupId}`,
    bootstrapBrokers: [...options.bootstrapServers],
    ...kafkaClientOptions(options.auth ?? { type: 'none' }),
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
    rebalanceTimeout: options.rebalanceTimeoutMs ?? 15_000,
    maxWaitTime: Math.min(500, Math.max(50, options.maximumBatchingWindowMs ?? 500)),
  };
}

/** The options of the poller's admin client (topic configs), with the same connection as the consumer. */
export function pollerAdminOptions(options: PollerOptions): AdminOptions {
  return {
    clientId: `${options.clientId ?? 'local-poller'}-admin`,
    bootstrapBrokers: [...options.bootstrapServers],
    ...kafkaClientOptions(options.auth ?? { type: 'none' }),
  };
}
