/**
 * Invocation: one batch through the function. Builds the MSK event, invokes
 * the handler with the function's timeout, reads the (partial) batch
 * response, and applies the outcome to each partition: commit what was
 * processed, set up a retry from the first failed record, or discard what
 * has run out of retries.
 */
import { decideOutcome, decideRetry, type BatchPart, type InvocationResult, type PartDecision, type RetryOptions } from './decisions.js';
import type { Committer } from './commit.js';
import type { Discarder } from './discard.js';
import { buildMskEvent, type TombstoneEncoding } from './event.js';
import type { InvocationReport, PollerEventEmitter } from './events.js';
import { createLambdaContext, invokeWithTimeout, type FunctionSettings } from './invoke.js';
import type { PartitionRecords, PartitionTable } from './partitions.js';
import type { PollerStatsBook } from './stats.js';
import type { KafkaHandler } from './types.js';

export interface InvokerOptions {
  readonly handler: KafkaHandler;
  readonly fn: FunctionSettings;
  readonly eventSourceKind: 'msk' | 'self-managed';
  readonly eventSourceArn: string | undefined;
  readonly bootstrapServers: readonly string[];
  readonly tombstones: TombstoneEncoding;
  readonly reportBatchItemFailures: boolean;
  readonly retry: RetryOptions;
  readonly partitions: PartitionTable;
  readonly committer: Committer;
  readonly discarder: Discarder;
  readonly stats: PollerStatsBook;
  readonly events: PollerEventEmitter;
  /** False once the poller has stopped: a result that comes later is not applied. */
  readonly connected: () => boolean;
}

/** Whether stop() has given up waiting for this invocation. */
export interface Abandonable {
  readonly abandoned: boolean;
}

export class Invoker {
  readonly #options: InvokerOptions;

  constructor(options: InvokerOptions) {
    this.#options = options;
  }

  async run(requestId: string, parts: readonly PartitionRecords[], entry: Abandonable): Promise<void> {
    const o = this.#options;
    const event = buildMskEvent(
      parts.map((p) => p.records),
      {
        kind: o.eventSourceKind,
        bootstrapServers: o.bootstrapServers,
        ...(o.eventSourceArn === undefined ? {} : { eventSourceArn: o.eventSourceArn }),
        tombstones: o.tombstones,
      },
    );
    const recordCount = parts.reduce((n, p) => n + p.records.length, 0);
    const { counters } = o.stats;
    counters.invocations++;
    counters.recordsDelivered += recordCount;
    const started = Date.now();
    const context = createLambdaContext(o.fn, requestId, started + o.fn.timeoutMs);
    const result: InvocationResult = await invokeWithTimeout(o.handler, event, context, o.fn.timeoutMs);
    const durationMs = Date.now() - started;
    // Once stop() gives up waiting, a late result is not committed (the records are redelivered).
    if (entry.abandoned || !o.connected()) return;

    const report = (outcome: InvocationReport['outcome'], reason?: string): void => {
      o.events.emit('invocation', {
        requestId,
        records: recordCount,
        partitions: parts.map((p) => p.state.key),
        durationMs,
        outcome,
        ...(reason === undefined ? {} : { reason }),
      });
    };
    const batchParts: BatchPart[] = parts.map((p) => ({ key: p.state.key, offsets: p.records.map((r) => r.offset) }));
    const decision = decideOutcome(batchParts, result, o.reportBatchItemFailures);
    const now = Date.now();

    if (decision.kind === 'failure') {
      counters.failedInvocations++;
      if (result.kind === 'timedOut') counters.timedOutInvocations++;
      report('failure', decision.reason);
      await this.#failed(requestId, parts, now);
      return;
    }
    if (decision.kind === 'partial') counters.partialFailures++;
    report(decision.kind);
    await this.#returned(requestId, parts, decision.parts, now);
  }

  /** The whole batch failed (threw, timed out, or an unreadable response): every partition retries it, or discards it once exhausted. */
  async #failed(requestId: string, parts: readonly PartitionRecords[], now: number): Promise<void> {
    const o = this.#options;
    const exhausted: PartitionRecords[] = [];
    let invocations = 0;
    for (const { state, records } of parts) {
      if (!o.partitions.isCurrent(state)) continue; // revoked meanwhile
      state.lastRequestId = requestId;
      state.lastFunctionError = true;
      const next = decideRetry(state.retry, records.length, true, now, o.retry);
      if (next.kind === 'retry') {
        state.retry = next.state;
        state.notBefore = next.notBefore;
      } else {
        invocations = Math.max(invocations, next.invocations);
        exhausted.push({ state, records });
      }
    }
    if (exhausted.length > 0)
      await o.discarder.discard(exhausted, 'RetryAttemptsExhausted', { requestId, invocations, invoked: true, functionError: true });
  }

  /** The function returned: each partition commits up to its first failed record, and retries (or discards) the rest. */
  async #returned(requestId: string, parts: readonly PartitionRecords[], decided: readonly PartDecision[], now: number): Promise<void> {
    const o = this.#options;
    const exhausted: PartitionRecords[] = [];
    let invocations = 0;
    for (const [index, part] of decided.entries()) {
      const sent = parts[index];
      if (sent === undefined) continue;
      const { state, records } = sent;
      if (!o.partitions.isCurrent(state)) continue;
      const processed = records.filter((r) => r.offset < part.commitTo).length;
      o.stats.processed(now, processed);
      if (part.failed.length === 0) {
        state.retry = undefined;
        state.notBefore = 0;
        await o.committer.advance(state, part.commitTo);
        continue;
      }
      if (part.commitTo > (state.committed ?? -1n) && processed > 0) await o.committer.advance(state, part.commitTo);
      state.lastRequestId = requestId;
      state.lastFunctionError = false;
      // A partition that made progress starts a fresh retry count for its remaining records.
      const previous = processed > 0 ? undefined : state.retry;
      const next = decideRetry(previous, part.failed.length, false, now, o.retry);
      if (next.kind === 'retry') {
        state.retry = next.state;
        state.notBefore = next.notBefore;
      } else {
        invocations = Math.max(invocations, next.invocations);
        exhausted.push({ state, records: records.filter((r) => r.offset >= part.commitTo) });
      }
    }
    if (exhausted.length > 0)
      await o.discarder.discard(exhausted, 'RetryAttemptsExhausted', { requestId, invocations, invoked: true, functionError: false });
  }
}
