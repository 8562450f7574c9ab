/** MSK events and Lambda contexts for driving the handler directly. */
import type { Context } from 'aws-lambda';
import { buildMskEvent, type PolledRecord } from '../../local/poller/event.js';
import { createLambdaContext } from '../../local/poller/invoke.js';
import type { LambdaLikeContext, MskEvent } from '../../local/poller/types.js';
import { endpoints } from '../../local/services/index.js';

export interface BenchMessage {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly timestamp: number;
}

/**
 * The event the ESM would send for these messages spread over `partitions`
 * partitions (in the order given within each), round-tripped through JSON as the Lambda service delivers it.
 */
export function mskEvent(
  topic: string,
  messages: readonly BenchMessage[],
  partitions: number,
  firstOffset = 0,
  /** Which partition a message goes to; default round robin (every key is distinct there). */
  partitionOf: (message: BenchMessage, index: number) => number = (_, i) => i % partitions,
): MskEvent {
  const byPartition: PolledRecord[][] = Array.from({ length: partitions }, () => []);
  messages.forEach((message, i) => {
    const partition = partitionOf(message, i);
    const list = byPartition[partition] as PolledRecord[];
    list.push({
      topic,
      partition,
      offset: BigInt(firstOffset + list.length),
      timestamp: BigInt(message.timestamp),
      timestampType: 'CREATE_TIME',
      key: message.key,
      value: message.value,
      headers: [],
    });
  });
  const event = buildMskEvent(
    byPartition.filter((list) => list.length > 0),
    { kind: 'msk', bootstrapServers: [endpoints.kafka] },
  );
  return JSON.parse(JSON.stringify(event)) as MskEvent;
}

let requests = 0;

/** The local runner's Lambda context (local/poller/invoke.ts) with `timeoutMs` left (the function timeout of the bench: 15 minutes, Lambda's maximum). */
export function lambdaContext(timeoutMs = 900_000): Context {
  requests += 1;
  const settings = {
    functionName: 'kcs-bench',
    functionVersion: '$LATEST',
    memoryLimitInMB: 1024,
    timeoutMs,
    region: endpoints.awsRegion,
    accountId: '000000000000',
  };
  // It lacks only the deprecated done/fail/succeed callbacks, which an async handler never calls.
  return createLambdaContext(settings, `bench-${String(requests)}`, Date.now() + timeoutMs) as LambdaLikeContext &
    Pick<Context, 'done' | 'fail' | 'succeed'>;
}
