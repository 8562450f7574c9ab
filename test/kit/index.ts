/**
 * The test kit: one Lambda context, the event encoder (the inverse of
 * decodeEvent), a decoded-record builder, the fake CQL session and the config
 * builders. Every test takes these from here; nothing outside test/ imports it.
 */
export { lambdaContext, type LambdaContextOptions } from './lambda-context.js';
export { encodeEvent, encodeEventRecord, type EventSourceOptions } from './event-encoder.js';
export { kafkaRecord } from './kafka-record.js';
export { FakeSession, type FakeCall } from './fake-session.js';
export {
  deployConfig,
  localSinkConfig,
  localSinkConfigText,
  testAccount,
  testClusterArn,
  testNetwork,
  unitConnection,
  unitSinkConfig,
  type LocalSinkConfigOptions,
} from './config.js';
