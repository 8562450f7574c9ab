import type { CqlSession, WriteOptions } from '../cql/session.js';
import { PoisonRecordError, TransientError, describeLocation, isSinkError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import type { RecordMapper } from '../sink/record-mapper.js';
import { planChains, type Batch, type Chain, type PendingRow } from './batches.js';
import type { RecordOutcome, WriteCallOptions } from './outcome.js';

export interface WriterSettings {
  readonly session: CqlSession;
  readonly mapper: RecordMapper;
  readonly maxConcurrentRequests: number;
  readonly maxNumberOfRecordsInBatch: number;
}

export interface Writer {
  writeRecords(records: readonly KafkaRecord[], options?: WriteCallOptions): Promise<RecordOutcome[]>;
}

/** Per-record bookkeeping of one call. */
class Tally {
  readonly transient: (TransientError | undefined)[];
  readonly poison: ({ table: string; error: PoisonRecordError }[] | undefined)[];

  constructor(readonly records: readonly KafkaRecord[]) {
    this.transient = new Array<TransientError | undefined>(records.length);
    this.poison = new Array<{ table: string; error: PoisonRecordError }[] | undefined>(records.length);
  }

  failTransient(owner: number, error: TransientError): void {
    this.transient[owner] ??= error;
  }

  failPoison(owner: number, table: string, error: PoisonRecordError): void {
    (this.poison[owner] ??= []).push({ table, error });
  }

  outcomes(): RecordOutcome[] {
    return this.records.map((record, owner): RecordOutcome => {
      const transient = this.transient[owner];
      if (transient) return { record, status: 'transient', error: transient };
      const poison = this.poison[owner];
      if (!poison) return { record, status: 'written' };
      const first = poison[0]?.error ?? new PoisonRecordError('unknown');
      const error = poison.length === 1 ? first : new PoisonRecordError(poison.map((p) => p.error.message).join('\n'), { cause: first });
      return { record, status: 'poison', error, tables: [...new Set(poison.map((p) => p.table))] };
    });
  }
}

export function createWriter(settings: WriterSettings): Writer {
  const { session, mapper } = settings;
  return {
    async writeRecords(records, options = {}) {
      const tally = new Tally(records);
      const pending: PendingRow[] = [];
      for (let owner = 0; owner < records.length; owner++) {
        const record = records[owner] as KafkaRecord;
        try {
          const mappedOrPromise = mapper(record);
          const mapped = mappedOrPromise instanceof Promise ? await mappedOrPromise : mappedOrPromise;
          for (const row of mapped.rows) pending.push({ row, owner });
          for (const failure of mapped.failures) tally.failPoison(owner, failure.table, failure.error);
        } catch (error) {
          tally.failTransient(owner, asTransient(record, '(decode)', error));
        }
      }
      const chains = planChains(pending, settings.maxNumberOfRecordsInBatch);
      await runPool(chains, settings.maxConcurrentRequests, (chain) => runChain(session, chain, tally, options));
      return tally.outcomes();
    },
  };
}

/** Runs `work` on every item with at most `limit` in flight; `work` never rejects. */
async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function stopReason(options: WriteCallOptions): string | undefined {
  if (options.signal?.aborted === true) return 'the write was cancelled before it started';
  if (options.deadlineMs !== undefined && Date.now() >= options.deadlineMs) return 'the invocation deadline came before this write started';
  return undefined;
}

async function runChain(session: CqlSession, chain: Chain, tally: Tally, options: WriteCallOptions): Promise<void> {
  for (let index = 0; index < chain.length; index++) {
    const batch = chain[index] as Batch;
    const stop = stopReason(options);
    if (stop !== undefined) {
      for (const later of chain.slice(index)) failAll(later, tally, (pending) => new TransientError(`${where(tally, pending)}: ${stop}`));
      return;
    }
    const failed = await runBatch(session, batch, tally, options);
    // A chain exists because its rows take the coordinator's clock: running later batches after a failed
    // one would let the retry of the failed one land after them, out of Kafka order.
    if (failed && chain.length > 1) {
      for (const later of chain.slice(index + 1)) {
        failAll(later, tally, (pending) => new TransientError(`${where(tally, pending)}: not attempted, an earlier write to the same partition failed`));
      }
      return;
    }
  }
}

/** Returns true when a row of the batch failed transiently. */
async function runBatch(session: CqlSession, batch: Batch, tally: Tally, options: WriteCallOptions): Promise<boolean> {
  const first = batch[0] as PendingRow;
  const writeOptions = writeOptionsOf(first, options);
  try {
    if (batch.length === 1) await session.execute(first.row.statement, first.row.values, writeOptions);
    else await session.batch(batch.map((pending) => pending.row), writeOptions);
    return false;
  } catch (error) {
    if (batch.length > 1 && error instanceof PoisonRecordError) {
      // One bad row rejects the whole batch (or the batch is too large): find which, one by one, in order.
      let transient = false;
      for (const pending of batch) transient = (await runBatch(session, [pending], tally, options)) || transient;
      return transient;
    }
    if (error instanceof PoisonRecordError) {
      tally.failPoison(first.owner, first.row.target.name, new PoisonRecordError(`${where(tally, first)}: ${error.message}`, { cause: error }));
      return false;
    }
    failAll(batch, tally, (pending) => asTransient(tally.records[pending.owner] as KafkaRecord, pending.row.target.name, error));
    return true;
  }
}

function writeOptionsOf(pending: PendingRow, options: WriteCallOptions): WriteOptions {
  const { target } = pending.row;
  const timeoutMs = options.deadlineMs === undefined ? undefined : Math.max(1, options.deadlineMs - Date.now());
  return { consistency: target.consistency, idempotent: target.idempotent, counter: target.counter, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

function failAll(batch: Batch, tally: Tally, error: (pending: PendingRow) => TransientError): void {
  for (const pending of batch) tally.failTransient(pending.owner, error(pending));
}

function where(tally: Tally, pending: PendingRow): string {
  return `${describeLocation(tally.records[pending.owner] as KafkaRecord)} → ${pending.row.target.name}`;
}

function asTransient(record: KafkaRecord, table: string, error: unknown): TransientError {
  const message = error instanceof Error ? error.message : String(error);
  const kind = isSinkError(error) && error.kind !== 'transient' ? `${error.name}: ` : '';
  return new TransientError(`${describeLocation(record)} → ${table}: ${kind}${message}`, { cause: error });
}
