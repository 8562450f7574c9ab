/** The schema types a Confluent-compatible registry knows (its `schemaType`; absent means AVRO). */
export type RegistrySchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface RegisteredSchema {
  readonly text: string;
  readonly schemaType: RegistrySchemaType;
  /** Texts of every schema it references, directly or not, keyed by reference name (the import path). */
  readonly references: ReadonlyMap<string, string>;
}

/**
 * The port to a Confluent-compatible schema registry. Implementations throw
 * SinkErrors: TransientError when the registry may answer later,
 * PoisonRecordError when the id does not exist, ConfigError for bad credentials.
 */
export interface SchemaRegistry {
  /** The schema text registered under `id` (for Avro, the schema JSON). */
  getSchema(id: number): Promise<string>;
  /**
   * The schema under `id` with its type and the texts of its references.
   * Optional: a registry without it serves Avro schemas without references.
   */
  getRegisteredSchema?(id: number): Promise<RegisteredSchema>;
}
