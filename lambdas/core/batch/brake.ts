import { SystemicFailureError, describeLocation } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import { failureDetails, signatureKey, type FailureSignature } from './failure-signature.js';

/** The brake's thresholds (sink config `brake`). */
export interface BrakeSettings {
  readonly enabled: boolean;
  /** Fewest records failing with one signature in a batch for the failure to be systemic. */
  readonly minRecords: number;
  /** Least share of the batch's records for the table failing with one signature. */
  readonly minShare: number;
  /** How long a container remembers a systemic signature, so smaller batches (bisected halves, retries) with it are held too. */
  readonly rememberSeconds: number;
}

/** A record the writer found poison, before anything is dead-lettered. */
export interface PoisonCandidate {
  readonly record: KafkaRecord;
  /** The tables it could not be written to. */
  readonly tables: readonly string[];
  readonly error: Error;
}

export interface BrakeVerdict {
  /** Records to hold (report back as failed), with the error that says why. */
  readonly held: ReadonlyMap<KafkaRecord, SystemicFailureError>;
}

export interface Brake {
  /**
   * Decides which poison records of a batch are systemic: same signature
   * (table, column, reason) for at least `minRecords` records and at least
   * `minShare` of the batch's records for that table, every record of a table
   * failing (at least `minRecords` of them), or, in a batch with fewer than
   * `minRecords` records for the table, a signature found systemic in the
   * last `rememberSeconds`. The rest stay isolated poison.
   */
  review(batch: readonly KafkaRecord[], poison: readonly PoisonCandidate[]): BrakeVerdict;
}

export interface BrakeOptions {
  readonly settings: BrakeSettings;
  /** Tables a topic writes to ("keyspace.table"). */
  readonly tablesOf: (topic: string) => readonly string[];
  readonly now?: () => number;
}

interface Group {
  readonly signature: FailureSignature;
  readonly candidates: PoisonCandidate[];
}

const NONE: BrakeVerdict = { held: new Map() };

/**
 * One brake per container: it remembers recent systemic signatures, because
 * the event source may split a failing batch (bisection) or redeliver only its
 * tail, and a small part of a systemic failure looks like isolated poison.
 * A remembered signature is forgotten once a batch with at least `minRecords`
 * records for its table shows it below `minShare` (the cause was fixed), or
 * after `rememberSeconds` without being seen systemic.
 */
export function createBrake({ settings, tablesOf, now = Date.now }: BrakeOptions): Brake {
  const remembered = new Map<string, number>();
  const rememberMs = settings.rememberSeconds * 1000;

  return {
    review(batch, poison) {
      if (!settings.enabled) return NONE;
      const at = now();
      for (const [key, seenAt] of remembered) if (at - seenAt > rememberMs) remembered.delete(key);

      const recordsPerTable = new Map<string, number>();
      for (const record of batch)
        for (const table of tablesOf(record.topic)) recordsPerTable.set(table, (recordsPerTable.get(table) ?? 0) + 1);
      const groups = new Map<string, Group>();
      const failedPerTable = new Map<string, Set<KafkaRecord>>();
      for (const candidate of poison) {
        const { column, reason } = failureDetails(candidate.error);
        for (const table of candidate.tables) {
          const signature = { table, column, reason };
          const key = signatureKey(signature);
          let group = groups.get(key);
          if (group === undefined) groups.set(key, (group = { signature, candidates: [] }));
          group.candidates.push(candidate);
          let failed = failedPerTable.get(table);
          if (failed === undefined) failedPerTable.set(table, (failed = new Set()));
          failed.add(candidate.record);
        }
      }

      const systemic = new Map<string, string>();
      for (const [key, group] of groups) {
        const count = group.candidates.length;
        const total = Math.max(count, recordsPerTable.get(group.signature.table) ?? count);
        // Fewer records than minRecords for the table: too few to judge, so the memory decides.
        const judgeable = total >= settings.minRecords;
        if (count >= settings.minRecords && count / total >= settings.minShare) {
          systemic.set(
            key,
            `${count} of ${total} records for the table failed the same way (brake: at least ${settings.minRecords} records and ${settings.minShare * 100}%)`,
          );
        } else if (judgeable && failedPerTable.get(group.signature.table)?.size === total) {
          systemic.set(key, `all ${total} records of the batch for the table failed`);
        } else if (!judgeable && remembered.has(key)) {
          systemic.set(
            key,
            `too few records to judge (${total}), and the same failure was systemic within the last ${settings.rememberSeconds} s`,
          );
        }
      }
      // A batch big enough to judge that does not find a remembered failure systemic shows it fixed (or isolated now).
      for (const key of remembered.keys()) {
        if (systemic.has(key)) continue;
        if ((recordsPerTable.get(key.slice(0, key.indexOf('\u0000'))) ?? 0) >= settings.minRecords) remembered.delete(key);
      }
      if (systemic.size === 0) return NONE;

      const held = new Map<KafkaRecord, SystemicFailureError>();
      for (const [key, rule] of systemic) {
        remembered.set(key, at);
        const group = groups.get(key) as Group;
        const first = group.candidates[0] as PoisonCandidate;
        const { table, column, reason } = group.signature;
        const halt = {
          table,
          column,
          reason,
          records: group.candidates.length,
          ofRecords: recordsPerTable.get(table) ?? group.candidates.length,
          rule,
          example: { topic: first.record.topic, partition: first.record.partition, offset: first.record.offset },
        };
        const about = column === undefined ? table : `${table} column "${column}"`;
        const error = new SystemicFailureError(
          `halted, nothing dead-lettered: ${about}: ${reason} — ${rule}; e.g. ${example(first)}`,
          halt,
          { cause: first.error },
        );
        for (const candidate of group.candidates) if (!held.has(candidate.record)) held.set(candidate.record, error);
      }
      return { held };
    },
  };
}

/** The first record's error, which names its location already when the mapper or the writer wrapped it. */
function example(candidate: PoisonCandidate): string {
  const where = describeLocation(candidate.record);
  return candidate.error.message.startsWith(where) ? candidate.error.message : `${where}: ${candidate.error.message}`;
}
