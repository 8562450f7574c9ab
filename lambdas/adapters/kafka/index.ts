/**
 * The one Kafka connection module: connection options from config (brokers,
 * TLS, SASL PLAIN/SCRAM, MSK IAM), client creation, re-fetch by offset, and
 * the topic and produce chores of the CLI. Used by the replay function, the
 * local poller and the CLI.
 */
export {
  createKafkaAdmin,
  createKafkaProducer,
  connectionClientOptions,
  kafkaClientOptions,
  type KafkaClientAuthOptions,
} from './clients.js';
export {
  describeBrokerAuth,
  kafkaTargetConnection,
  plaintextConnection,
  splitServers,
  type BrokerAuth,
  type KafkaConnection,
  type KafkaTarget,
} from './connection.js';
export { mskBootstrapServers, type MskListener } from './msk.js';
export { mskIamToken } from './msk-iam.js';
export { produceRecords, type OutgoingRecord, type ProduceOptions } from './produce.js';
export { missingRangesError, refetchRecords, type RefetchOptions, type RefetchResult } from './refetch.js';
export {
  KAFKA_AUTH_KINDS,
  kafkaConnectionFromEnvironment,
  kafkaSettingsFromEnvironment,
  mskListenerFor,
  parseKafkaAuthKind,
  resolveBrokerAuth,
  resolveKafkaConnection,
  type KafkaAuthKind,
  type KafkaConnectionDeps,
  type KafkaConnectionSettings,
  type KafkaEnvironment,
} from './settings.js';
export { committedOffsets, ensureTopic } from './topics.js';
