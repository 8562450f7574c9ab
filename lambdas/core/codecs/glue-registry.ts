/** The data formats the AWS Glue Schema Registry stores (GetSchemaVersion's DataFormat). */
export type GlueDataFormat = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface GlueSchemaVersion {
  readonly dataFormat: string;
  /** The schema text: Avro JSON, a JSON Schema document, or a .proto file. */
  readonly definition: string;
}

/**
 * The port to the AWS Glue Schema Registry: a schema version by its id (the
 * UUID every Glue-serialized record carries). Implementations throw
 * SinkErrors: TransientError when Glue may answer later (throttling,
 * network), PoisonRecordError when the version does not exist, ConfigError
 * when access is denied.
 */
export interface GlueSchemaRegistry {
  getSchemaVersion(versionId: string): Promise<GlueSchemaVersion>;
}
