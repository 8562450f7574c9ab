export {
  createPoller,
  pollerAdminOptions,
  pollerConsumerOptions,
  type InvocationReport,
  type PartitionStats,
  type Poller,
  type PollerEvents,
  type PollerOptions,
  type PollerStats,
} from './poller.js';
export {
  buildMskEvent,
  encodeRecord,
  partitionKey,
  splitPartitionKey,
  toSignedBytes,
  LOCAL_MSK_CLUSTER_ARN,
  type EventSource,
  type PolledRecord,
  type TombstoneEncoding,
} from './event.js';
export { createLambdaContext, invokeWithTimeout, type FunctionSettings } from './invoke.js';
export type * from './types.js';
