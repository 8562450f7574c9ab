export type { KafkaHeader, KafkaRecord, SchemaMetadata } from './record.js';
export { kafkaEventSchema, kafkaEventRecordSchema, schemaMetadataSchema, type KafkaEvent, type KafkaEventRecord } from './schema.js';
export { MalformedEventError, compareOffsets, decodeEvent, decodeRecord, parseKafkaEvent, splitTopicPartition } from './decode.js';
export { toBatchItemFailures, type KafkaBatchResponse, type KafkaItemIdentifier, type OutcomeLike } from './batch-response.js';
export {
  isOnFailureMessage,
  onFailureMessageSchema,
  parseOnFailureMessage,
  type OffsetRange,
  type OnFailureBatch,
  type OnFailureMessage,
} from './on-failure.js';
