import type { PoisonRecordError, TransientError } from './errors.js';
import type { KafkaRecord } from './event/record.js';

/**
 * What happened to one record. A record that feeds several tables is
 * written only when every table is. Transient wins over poison: a record
 * with one table failing for a while is retried whole (writes are
 * idempotent), rather than dead-lettered while it might still succeed.
 */
export type RecordOutcome =
  /** `coalesced`: a write of this record was left out because a later record's write, now written, covers it. */
  | { readonly record: KafkaRecord; readonly status: 'written'; readonly coalesced?: true }
  /** `tables`: the tables this record could not be written to ("keyspace.table"). */
  | { readonly record: KafkaRecord; readonly status: 'poison'; readonly error: PoisonRecordError; readonly tables: readonly string[] }
  | { readonly record: KafkaRecord; readonly status: 'transient'; readonly error: TransientError };

export interface WriteCallOptions {
  /** Epoch ms after which no write is started; rows not started are transient failures. */
  readonly deadlineMs?: number;
  /** Aborting stops starting writes, as a deadline does. */
  readonly signal?: AbortSignal;
}
