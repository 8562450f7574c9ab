import type { KafkaRecord } from '../../lambdas/core/event/record.js';

/** A decoded record (as `decodeEvent` yields it): `orders`/0@0, created 2026-02-02, no key, a tombstone, no headers, unless overridden. */
export function kafkaRecord(overrides: Partial<KafkaRecord> = {}): KafkaRecord {
  return {
    topic: 'orders',
    partition: 0,
    offset: '0',
    timestamp: 1_770_000_000_000,
    timestampType: 'CREATE_TIME',
    key: null,
    value: null,
    headers: [],
    ...overrides,
  };
}
