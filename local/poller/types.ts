import type { KafkaEvent, KafkaEventRecord } from '../../lambdas/core/event/index.js';

/**
 * The shapes the local poller exchanges with the function it invokes: the
 * Kafka event source mapping (ESM) event (core's type, the one the handler
 * validates), a Lambda-like context, the handler port, its partial batch
 * response, and the on-failure destination port. Kept structural, so the real
 * `lambdas/sink/handler.ts` fits the port without the poller importing it.
 */

export type KafkaTimestampType = KafkaEventRecord['timestampType'];

/** One header as the ESM sends it: `{ "<name>": [<Java signed bytes>] }`. */
export type MskEventHeader = KafkaEventRecord['headers'][number];

/** One record of the event (lambdas/core/event/schema.ts). */
export type MskEventRecord = KafkaEventRecord;

/** The ESM event (lambdas/core/event/schema.ts). */
export type MskEvent = KafkaEvent;

/** The subset of the Node.js Lambda runtime context the sink can rely on. */
export interface LambdaLikeContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as in the Node.js runtime. */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/**
 * Partial batch response item for Kafka. The sink answers with `partition`;
 * the poller also accepts `topic-partition` (the spelling some copies of the
 * AWS page show), see FACTS.md.
 */
export interface KafkaBatchItemFailure {
  itemIdentifier: { partition: string; offset: number | string };
}

export interface KafkaBatchResponse {
  batchItemFailures: KafkaBatchItemFailure[];
}

/**
 * The handler port: what `lambdas/sink/handler.ts` exports as `handler`. It
 * should answer a `KafkaBatchResponse` or nothing; the result is typed
 * `unknown` because, like Lambda, the poller validates whatever comes back.
 */
export type KafkaHandler = (event: MskEvent, context: LambdaLikeContext) => Promise<unknown>;

/** Per `"<topic>-<partition>"` range in an on-failure record (AWS sends offsets as strings, timestamps as ISO text). */
export interface OnFailureRecordsInfo {
  firstRecordOffset: string;
  lastRecordOffset: string;
  firstRecordTimestamp: string;
  lastRecordTimestamp: string;
}

export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * What Lambda sends to an SQS or SNS on-failure destination for a Kafka ESM
 * (AWS Lambda guide, "Capturing discarded batches for Amazon MSK and
 * self-managed Apache Kafka event sources", "SNS and SQS example invocation
 * record"): metadata only, never the records themselves.
 */
export interface OnFailureInvocationRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: OnFailureCondition;
    approximateInvokeCount: number;
  };
  /** Null when the function was never invoked for these records (record age exceeded before delivery). */
  responseContext: {
    statusCode: number;
    executedVersion: string;
    functionError?: 'Unhandled';
  } | null;
  version: '1.0';
  /** ISO-8601. */
  timestamp: string;
  KafkaBatchInfo: {
    batchSize: number;
    eventSourceArn?: string;
    bootstrapServers: string;
    /** Not in the AWS example; the local poller adds it because a replay needs the group. */
    consumerGroupId: string;
    payloadSize: number;
    recordsInfo: Record<string, OnFailureRecordsInfo>;
  };
}

/** The on-failure destination port (an SQS/SNS sender, or a test double). */
export type OnFailureDestination = (record: OnFailureInvocationRecord) => Promise<void>;
