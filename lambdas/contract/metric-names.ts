/**
 * The names under which the sink publishes its own metrics (CloudWatch
 * embedded metric format). The handler publishes with them and the CDK
 * dashboard graphs them: one definition, so the two cannot drift apart.
 * No imports: the CDK app reads this without loading Powertools.
 */

/** Service name (POWERTOOLS_SERVICE_NAME): the `service` dimension of every metric. */
export const DEFAULT_SERVICE_NAME = 'kafka-cql-sink';
/** Service name of the replay function (its logs; it publishes no metrics of its own). */
export const REPLAY_SERVICE_NAME = 'kafka-cql-sink-replay';
/** CloudWatch namespace (POWERTOOLS_METRICS_NAMESPACE). */
export const DEFAULT_METRICS_NAMESPACE = 'KafkaCqlSink';

/** Each is published with the dimensions `service` and `topic`; RecordsWritten also with `service`, `topic` and `table`. */
export const MetricName = {
  RecordsReceived: 'RecordsReceived',
  RecordsWritten: 'RecordsWritten',
  RecordsDeadLettered: 'RecordsDeadLettered',
  RecordsFailed: 'RecordsFailed',
  /** Records whose write a later record of the batch made redundant (written through it). */
  RecordsCoalesced: 'RecordsCoalesced',
  BatchLatency: 'BatchLatency',
  /** Records held by the brake; also published with the `service` dimension alone, for the alarm. */
  SinkHalted: 'SinkHalted',
} as const;
