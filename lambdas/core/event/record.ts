/**
 * One Kafka record as the core sees it: decoded from the event source
 * mapping's JSON (base64 key/value, signed-byte headers) into raw bytes, before
 * any format is applied. Offsets stay strings: Kafka offsets are 64-bit.
 */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME' | 'NO_TIMESTAMP_TYPE';
  readonly key: Buffer | null;
  /** null is a tombstone. */
  readonly value: Buffer | null;
  readonly headers: readonly KafkaHeader[];
  readonly keySchemaMetadata?: SchemaMetadata;
  readonly valueSchemaMetadata?: SchemaMetadata;
  /**
   * Rebuilt from a dead letter for replay: written at exactly timestamp × 1000,
   * the start of its millisecond, so that it yields to every record of that
   * millisecond the sink wrote (see writer/write-order.ts).
   */
  readonly fromDeadLetter?: true;
}

export interface KafkaHeader {
  readonly name: string;
  readonly value: Buffer;
}

/** Present when the event source mapping has a schema registry configured. */
export interface SchemaMetadata {
  readonly dataFormat: 'AVRO' | 'PROTOBUF' | 'JSON';
  readonly schemaId: string;
}
