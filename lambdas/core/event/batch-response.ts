import type { RecordLocation } from '../errors.js';
import type { OutcomeStatus } from '../outcome.js';

/**
 * The partial batch response of a Kafka event source mapping: the item
 * identifier is an object, `{ partition: "<topic>-<partition>", offset }`.
 * Why this key, and one identifier per partition: docs/decisions/kafka-batch-item-identifier.md.
 */
export interface KafkaItemIdentifier {
  /** "<topic>-<partition>", exactly as the event keys its records. */
  readonly partition: string;
  readonly offset: number;
}

export interface KafkaBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: KafkaItemIdentifier }[];
}

/** The minimum of an outcome this needs: which record, and whether it must be retried. */
export interface OutcomeLike {
  readonly record: RecordLocation;
  /**
   * Only `failed` is reported for retry. A `dead-lettered` outcome counts as
   * handled: the batch runner turns it into `failed` when its dead letter
   * could not be sent (a failed dead-letter write is never a drop).
   */
  readonly status: OutcomeStatus;
}

/** Builds the partial batch response: the lowest failed offset of each partition with a failed record. */
export function toBatchItemFailures(outcomes: Iterable<OutcomeLike>): KafkaBatchResponse {
  const lowest = new Map<string, bigint>();
  for (const outcome of outcomes) {
    if (outcome.status !== 'failed') continue;
    const key = `${outcome.record.topic}-${outcome.record.partition}`;
    const offset = BigInt(outcome.record.offset);
    const current = lowest.get(key);
    if (current === undefined || offset < current) lowest.set(key, offset);
  }
  return {
    batchItemFailures: [...lowest].map(([partition, offset]) => ({
      // Event offsets arrive as JSON numbers, so they already fit a double here.
      itemIdentifier: { partition, offset: Number(offset) },
    })),
  };
}
