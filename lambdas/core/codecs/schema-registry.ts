/**
 * The port to a Confluent-compatible schema registry. Implementations throw
 * SinkErrors: TransientError when the registry may answer later,
 * PoisonRecordError when the id does not exist, ConfigError for bad credentials.
 */
export interface SchemaRegistry {
  /** The schema text registered under `id` (for Avro, the schema JSON). */
  getSchema(id: number): Promise<string>;
}
