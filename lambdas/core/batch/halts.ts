import { SystemicFailureError } from '../errors.js';
import type { RecordOutcome } from '../outcome.js';

/** One systemic failure of a batch, for the halt metric and the one log line that says why. */
export interface HaltSummary {
  readonly error: SystemicFailureError;
  /** Records held for it, per topic. */
  readonly heldByTopic: ReadonlyMap<string, number>;
}

/** The halts among a batch's outcomes, one per systemic failure (the brake gives each its own error). */
export function summarizeHalts(outcomes: readonly RecordOutcome[]): HaltSummary[] {
  const byError = new Map<SystemicFailureError, Map<string, number>>();
  for (const outcome of outcomes) {
    if (outcome.status !== 'failed' || !(outcome.error instanceof SystemicFailureError)) continue;
    let perTopic = byError.get(outcome.error);
    if (perTopic === undefined) byError.set(outcome.error, (perTopic = new Map<string, number>()));
    perTopic.set(outcome.record.topic, (perTopic.get(outcome.record.topic) ?? 0) + 1);
  }
  return [...byError].map(([error, heldByTopic]) => ({ error, heldByTopic }));
}

/** The fields of the halt log line: what failed, where, why it counts as systemic, and one record to look at. */
export function haltLogFields(halt: HaltSummary): Record<string, unknown> {
  const { table, column, reason, rule, example, records, ofRecords } = halt.error.halt;
  return {
    table,
    ...(column === undefined ? {} : { column }),
    reason,
    rule,
    heldRecords: records,
    ofRecords,
    example,
    error: { name: halt.error.name, message: halt.error.message },
  };
}
