import { describe, expect, it } from 'vitest';
import { toBatchItemFailures, type OutcomeLike } from '../../../lambdas/core/event/batch-response.js';

const outcome = (topic: string, partition: number, offset: string, status: OutcomeLike['status']): OutcomeLike => ({
  record: { topic, partition, offset },
  status,
});

describe('toBatchItemFailures', () => {
  it('is empty when nothing failed (dead-lettered counts as handled)', () => {
    expect(toBatchItemFailures([outcome('t', 0, '1', 'written'), outcome('t', 0, '2', 'dead-lettered')])).toEqual({
      batchItemFailures: [],
    });
    expect(toBatchItemFailures([])).toEqual({ batchItemFailures: [] });
  });

  it('reports the lowest failed offset per partition, numerically', () => {
    const response = toBatchItemFailures([
      outcome('orders-eu-1', 0, '100', 'failed'),
      outcome('orders-eu-1', 0, '99', 'failed'),
      outcome('orders-eu-1', 0, '1000', 'failed'),
      outcome('orders-eu-1', 0, '5', 'written'),
      outcome('orders-eu-1', 1, '7', 'failed'),
      outcome('other', 0, '3', 'dead-lettered'),
    ]);
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: { partition: 'orders-eu-1-0', offset: 99 } },
        { itemIdentifier: { partition: 'orders-eu-1-1', offset: 7 } },
      ],
    });
  });

  it('serialises to the shape the event source mapping reads', () => {
    const json = JSON.stringify(toBatchItemFailures([outcome('a-b', 2, '42', 'failed')]));
    expect(json).toBe('{"batchItemFailures":[{"itemIdentifier":{"partition":"a-b-2","offset":42}}]}');
  });
});
