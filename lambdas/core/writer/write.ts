import type { CqlSession, WriteOptions } from '../cql/session.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PoisonRecordError, TransientError, describeLocation, isSinkError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import type { RecordMapper } from './row.js';
import { planChains, type Batch, type Chain, type PendingRow } from './batches.js';
import { coalesce, groupRepeatedRows, type ShadowedRow } from './coalesce.js';
import type { RecordOutcome } from '../outcome.js';
import { WorkPool } from './pool.js';
import { Tally } from './tally.js';
import { PlaceMemory, placeWithinMilliseconds } from './write-order.js';

export interface WriteCallOptions {
  /** Epoch ms after which no write is started; rows not started are transient failures. */
  readonly deadlineMs?: number;
  /** Aborting stops starting writes, as a deadline does. */
  readonly signal?: AbortSignal;
}

export interface WriterSettings {
  readonly session: CqlSession;
  readonly mapper: RecordMapper;
  readonly maxConcurrentRequests: number;
  readonly maxNumberOfRecordsInBatch: number;
  /** Records mapped before their writes start; default DEFAULT_MAP_CHUNK_RECORDS. */
  readonly mapChunkRecords?: number;
}

export interface Writer {
  writeRecords(records: readonly KafkaRecord[], options?: WriteCallOptions): Promise<RecordOutcome[]>;
}

/**
 * Records mapped between two turns of the event loop (~10 µs of CPU each):
 * a 10,000-record batch never blocks the loop for more than about a
 * millisecond at a time. Every record is mapped before the first write, since
 * coalescing needs the whole call; on a shared 2-core machine this was
 * measured slightly faster than overlapping mapping with writes.
 */
export const DEFAULT_MAP_CHUNK_RECORDS = 64;

/**
 * Maps every record (chunk by chunk, yielding to the event loop between
 * chunks), gives each write its place within its millisecond
 * (write-order.ts), leaves out the writes a later write of the call fully
 * shadows (coalesce.ts), and sends the rest: rows of one partition batched,
 * chains concurrently under one pool (batches.ts).
 *
 * A write left out is done only when the write that shadows it is: if that
 * one is rejected as poison, the left-out writes are sent in their own right;
 * if it fails transiently, their records fail with it and are retried whole.
 * A record's place within its millisecond is kept for the record object, so
 * that a retry of the same records in the same invocation writes the same
 * write times.
 */
export function createWriter(settings: WriterSettings): Writer {
  const { session, mapper, maxNumberOfRecordsInBatch: maxBatch } = settings;
  const chunkSize = Math.max(1, settings.mapChunkRecords ?? DEFAULT_MAP_CHUNK_RECORDS);
  const placed = new PlaceMemory();
  return {
    async writeRecords(records, options = {}) {
      const tally = new Tally(records);
      const rows: PendingRow[] = [];
      for (let start = 0; start < records.length; start += chunkSize) {
        if (start > 0) await yieldToEventLoop();
        await mapChunk(mapper, tally, start, Math.min(records.length, start + chunkSize), (pending) => rows.push(pending));
      }
      const repeated = groupRepeatedRows(rows);
      placeWithinMilliseconds(repeated, rows, records, placed);
      const pool = new WorkPool<Chain>(settings.maxConcurrentRequests, (chain) => runChain(session, chain, tally, options));
      let { send, shadowed } = coalesce(rows, repeated, records);
      for (;;) {
        pool.add(planChains(send, maxBatch));
        await pool.drained();
        const resend = settle(shadowed, tally);
        if (resend.length === 0) break;
        ({ send, shadowed } = coalesce(resend, groupRepeatedRows(resend), records));
      }
      return tally.outcomes();
    },
  };
}

/**
 * Settles the writes left out once the writes that shadow them have run:
 * done when that write was written, sent again when it was rejected as
 * poison (returned), failed with it when it failed transiently.
 */
function settle(shadowed: readonly ShadowedRow[], tally: Tally): PendingRow[] {
  const resend: PendingRow[] = [];
  for (const { pending, by } of shadowed) {
    if (tally.poisonOn(by.owner, by.row.target.name)) resend.push(pending);
    else if (tally.transient[by.owner] !== undefined) {
      const cause = tally.transient[by.owner] as TransientError;
      tally.failTransient(
        pending.owner,
        new TransientError(
          `${where(tally, pending)}: not written: the later record ${describeLocation(tally.records[by.owner] as KafkaRecord)} that covers it failed: ${cause.message}`,
          { cause },
        ),
      );
    } else tally.coalesced.add(pending.owner);
  }
  // Sent again in Kafka order, as the writes of the call were.
  return resend.sort((a, b) => a.owner - b.owner);
}

/** Maps records [start, end) in order: rows go to `into`, mapping failures to the tally. */
async function mapChunk(
  mapper: RecordMapper,
  tally: Tally,
  start: number,
  end: number,
  into: (pending: PendingRow) => void,
): Promise<void> {
  for (let owner = start; owner < end; owner++) {
    const record = tally.records[owner] as KafkaRecord;
    try {
      const mappedOrPromise = mapper(record);
      const mapped = mappedOrPromise instanceof Promise ? await mappedOrPromise : mappedOrPromise;
      for (const row of mapped.rows) into({ row, owner });
      for (const failure of mapped.failures) tally.failPoison(owner, failure.table, failure.error);
    } catch (error) {
      tally.failTransient(owner, asTransient(record, '(decode)', error));
    }
  }
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
        failAll(
          later,
          tally,
          (pending) => new TransientError(`${where(tally, pending)}: not attempted, an earlier write to the same partition failed`),
        );
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
    else
      await session.batch(
        batch.map((pending) => pending.row),
        writeOptions,
      );
    return false;
  } catch (error) {
    if (batch.length > 1 && error instanceof PoisonRecordError) {
      // One bad row rejects the whole batch (or the batch is too large): find which, one by one, in order.
      let transient = false;
      for (const pending of batch) transient = (await runBatch(session, [pending], tally, options)) || transient;
      return transient;
    }
    if (error instanceof PoisonRecordError) {
      tally.failPoison(
        first.owner,
        first.row.target.name,
        new PoisonRecordError(`${where(tally, first)}: ${error.message}`, { cause: error }),
      );
      return false;
    }
    failAll(batch, tally, (pending) => asTransient(tally.records[pending.owner] as KafkaRecord, pending.row.target.name, error));
    return true;
  }
}

function writeOptionsOf(pending: PendingRow, options: WriteCallOptions): WriteOptions {
  const { target } = pending.row;
  if (options.deadlineMs === undefined) return { consistency: target.consistency, idempotent: target.idempotent, counter: target.counter };
  const timeoutMs = Math.max(1, options.deadlineMs - Date.now());
  return { consistency: target.consistency, idempotent: target.idempotent, counter: target.counter, timeoutMs };
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
