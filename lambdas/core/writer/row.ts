import type { ConsistencyLevel } from '../config/table.js';
import type { PreparedStatement } from '../cql/session.js';
import type { PoisonRecordError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';

/** How the writer treats the rows of one target table; one object per table, shared by its rows. */
export interface WriteTarget {
  /** "keyspace.table" as configured, for outcomes and messages. */
  readonly name: string;
  readonly consistency: ConsistencyLevel;
  /** Safe to retry: true unless the table is a counter table. */
  readonly idempotent: boolean;
  /** Counter updates go in COUNTER batches. */
  readonly counter: boolean;
  /**
   * The rows carry no write time of their own (no USING TIMESTAMP: counters,
   * clientTimestamps false, custom queries). Statements of one batch then
   * share the coordinator's timestamp, so two writes to one row in one batch
   * would be resolved by value, not by Kafka order: such rows go in
   * successive batches instead.
   */
  readonly serverTimestamps: boolean;
}

/**
 * What a write does to its row, for coalescing (see coalesce.ts). Absent on
 * writes that are never coalesced: counters (increments add up), custom
 * queries (their effect is unknown) and writes without a client timestamp.
 *  - insert: the INSERT sets the first `columns` binds that are not unset,
 *    and the row marker;
 *  - delete-row: deletes the whole row;
 *  - delete-columns: deletes the table's owned columns (always the same set for a table).
 */
export type WriteShape =
  { readonly kind: 'insert'; readonly columns: number } | { readonly kind: 'delete-row' } | { readonly kind: 'delete-columns' };

/** One statement for one record and one table. */
export interface RowWrite {
  readonly target: WriteTarget;
  readonly statement: PreparedStatement;
  readonly values: readonly unknown[];
  /** Identifies the Cassandra partition within the target; rows of one partition may share a batch. */
  readonly partition: string;
  /** Identifies the row within the partition (clustering columns). */
  readonly row: string;
  /** Position in `values` of the bound USING TIMESTAMP (µs, a bigint, or unset); absent when the statement has none. */
  readonly timestampAt?: number;
  /**
   * The bound timestamp is the Kafka record's timestamp × 1000 (no mapped
   * `__timestamp`): the writer adds the record's place within its
   * millisecond (write-order.ts).
   */
  readonly kafkaTimestamp?: boolean;
  readonly shape?: WriteShape;
}

/** A table a record could not be mapped to, and why. */
export interface TableFailure {
  readonly table: string;
  readonly error: PoisonRecordError;
}

/** The statements of one record, one per table that could be mapped, and the tables that could not. */
export interface MappedRecord {
  readonly rows: RowWrite[];
  readonly failures: TableFailure[];
}

/**
 * What the writer asks of the stage above it: a record's rows. Built by
 * rows/record-mapper.ts; declared here so that the record path only points
 * down (rows → writer).
 */
export type RecordMapper = (record: KafkaRecord) => MappedRecord | Promise<MappedRecord>;
