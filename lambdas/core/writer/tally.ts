import { PoisonRecordError, type TransientError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import type { RecordOutcome } from '../outcome.js';

/** Per-record bookkeeping of one writer call. */
export class Tally {
  readonly transient: (TransientError | undefined)[];
  readonly poison: ({ table: string; error: PoisonRecordError }[] | undefined)[];

  constructor(readonly records: readonly KafkaRecord[]) {
    this.transient = new Array<TransientError | undefined>(records.length);
    this.poison = new Array<{ table: string; error: PoisonRecordError }[] | undefined>(records.length);
  }

  failTransient(owner: number, error: TransientError): void {
    this.transient[owner] ??= error;
  }

  /** Records with a write left out because a later write that covers it was written. */
  readonly coalesced = new Set<number>();

  failPoison(owner: number, table: string, error: PoisonRecordError): void {
    (this.poison[owner] ??= []).push({ table, error });
  }

  /** Whether the record's write to `table` was rejected as poison. */
  poisonOn(owner: number, table: string): boolean {
    return this.poison[owner]?.some((entry) => entry.table === table) === true;
  }

  outcomes(): RecordOutcome[] {
    return this.records.map((record, owner): RecordOutcome => {
      const transient = this.transient[owner];
      if (transient) return { record, status: 'failed', error: transient };
      const poison = this.poison[owner];
      if (!poison) return this.coalesced.has(owner) ? { record, status: 'written', coalesced: true } : { record, status: 'written' };
      const first = poison[0]?.error ?? new PoisonRecordError('unknown');
      const error = poison.length === 1 ? first : new PoisonRecordError(poison.map((p) => p.error.message).join('\n'), { cause: first });
      return { record, status: 'dead-lettered', error, tables: [...new Set(poison.map((p) => p.table))] };
    });
  }
}
