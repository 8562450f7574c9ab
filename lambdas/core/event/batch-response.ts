import type { RecordLocation } from '../errors.js';

/**
 * The partial batch response of a Kafka event source mapping (provisioned mode,
 * `FunctionResponseTypes: ["ReportBatchItemFailures"]`).
 *
 * The item identifier is an object, not a string as for SQS/Kinesis:
 * `{ "partition": "<topic>-<partition>", "offset": <number> }`, where
 * `partition` is the same "<topic>-<partition>" text as the event's records key.
 *
 * Which key name: copies of the AWS "Configuring error handling controls for
 * Kafka event sources" page (lambda/latest/dg/kafka-retry-configurations.html)
 * have been reported to show `"topic-partition"`, while every implementation
 * checked uses `"partition"`: Powertools for AWS Lambda (Python) batch
 * processing for Kafka (aws-powertools/powertools-lambda-python PR #7941,
 * merged), aws/aws-lambda-rust-runtime PR #1164 (which cites that page), and
 * AWS example handlers. The stored copies of the current page that could be
 * consulted while writing this did not reach its JSON example, so this follows
 * the implementations and DESIGN.md: `partition`. Were the key wrong, the
 * documented rule of the stream sources (an itemIdentifier with a wrong key
 * name fails the whole batch) makes the cost a whole-batch retry, not a loss;
 * a run against a real event source mapping is the final check.
 *
 * Lambda resumes each partition from the lowest failed offset reported for it,
 * so one identifier per partition (its lowest failed offset) is both
 * sufficient and unambiguous.
 */
export interface KafkaItemIdentifier {
  /** "<topic>-<partition>", exactly as the event keys its records. */
  readonly partition: string;
  readonly offset: number;
}

export interface KafkaBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: KafkaItemIdentifier }[];
}

/** The minimum of an engine outcome this needs: which record, and whether it must be retried. */
export interface OutcomeLike {
  readonly record: RecordLocation;
  /**
   * Only `transient` is reported for retry. A `poison` outcome counts as handled
   * once it is dead-lettered: a handler whose dead-letter send failed must turn
   * it into `transient` first (a failed dead-letter write is never a drop).
   */
  readonly status: 'written' | 'poison' | 'transient';
}

/** Builds the partial batch response: the lowest failed offset of each partition with a transient failure. */
export function toBatchItemFailures(outcomes: Iterable<OutcomeLike>): KafkaBatchResponse {
  const lowest = new Map<string, bigint>();
  for (const outcome of outcomes) {
    if (outcome.status !== 'transient') continue;
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
