import type { PoisonRecordError } from './errors.js';
import type { KafkaRecord } from './event/record.js';

/**
 * What happens to a record, in one vocabulary from the writer to the
 * handler's response, the metrics (RecordsWritten, RecordsDeadLettered,
 * RecordsFailed) and the logs:
 *  - `written`: written to every table it maps to;
 *  - `dead-lettered`: poison, settled in the dead-letter queue. The writer
 *    gives this verdict; the batch runner sends the dead letter, or turns
 *    the record to `failed` when it must not be dead-lettered yet (held by
 *    the brake, behind a failed record of its partition, the queue down);
 *  - `failed`: not written, left for the event source to deliver again.
 * Why a record was not written is its error's type, not its status:
 * PoisonRecordError (the record's fault), TransientError (try again later),
 * SystemicFailureError (many records failing one way: the sink is halted).
 */
export type OutcomeStatus = RecordOutcome['status'];

/**
 * One record's outcome. A record that feeds several tables is written only
 * when every table is. Transient wins over poison: a record with one table
 * failing for a while is retried whole (writes are idempotent), rather than
 * dead-lettered while it might still succeed.
 */
export type RecordOutcome =
  /** `coalesced`: a write of this record was left out because a later record's write, now written, covers it (writer/coalesce.ts). */
  | { readonly record: KafkaRecord; readonly status: 'written'; readonly coalesced?: true }
  /** `tables`: the tables this record could not be written to ("keyspace.table"). */
  | {
      readonly record: KafkaRecord;
      readonly status: 'dead-lettered';
      readonly error: PoisonRecordError;
      readonly tables: readonly string[];
    }
  /** Left for the event source to deliver again: a transient failure, the deadline, held by a systemic failure, or behind such a record. */
  | { readonly record: KafkaRecord; readonly status: 'failed'; readonly error: Error };

/** Records per status; `coalesced` counts the written ones with a write left out. */
export interface OutcomeCounts {
  written: number;
  deadLettered: number;
  failed: number;
  coalesced: number;
}

export const noOutcomes = (): OutcomeCounts => ({ written: 0, deadLettered: 0, failed: 0, coalesced: 0 });

/** The part of an outcome counting reads. */
export interface CountedOutcome {
  readonly status: OutcomeStatus;
  readonly coalesced?: boolean;
}

/**
 * Counts outcomes by status: the one count behind the handler's log line,
 * the metrics, the local runner's progress, the soak report and the fault
 * suite's every-record-accounted-for checks. Adds to `into` when given (a
 * running total across invocations) and returns it.
 */
export function countOutcomes(outcomes: Iterable<CountedOutcome>, into: OutcomeCounts = noOutcomes()): OutcomeCounts {
  for (const outcome of outcomes) countOutcome(outcome, into);
  return into;
}

/** Adds one outcome to `into` (no array per record on the per-batch metrics path). */
export function countOutcome(outcome: CountedOutcome, into: OutcomeCounts): void {
  if (outcome.status === 'written') {
    into.written++;
    if (outcome.coalesced === true) into.coalesced++;
  } else if (outcome.status === 'dead-lettered') into.deadLettered++;
  else into.failed++;
}
