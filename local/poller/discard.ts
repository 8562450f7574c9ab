/**
 * Discard: records the mapping gives up on (retries exhausted, too old) go to
 * the on-failure destination as one invocation record, and the partitions
 * move past them. When the destination cannot be written, nothing moves and
 * the records are tried again after a backoff, as Lambda keeps the batch.
 */
import { buildOnFailureRecord, describeError, type DiscardedRange } from './decisions.js';
import { buildMskEvent } from './event.js';
import type { PollerEventEmitter } from './events.js';
import { functionArn, type FunctionSettings } from './invoke.js';
import type { Committer } from './commit.js';
import type { PartitionRecords, PartitionTable } from './partitions.js';
import type { PollerCounters } from './stats.js';
import type { OnFailureCondition, OnFailureDestination } from './types.js';

export interface DiscarderOptions {
  readonly fn: FunctionSettings;
  readonly eventSourceKind: 'msk' | 'self-managed';
  readonly eventSourceArn: string | undefined;
  readonly bootstrapServers: readonly string[];
  readonly groupId: string;
  readonly onFailure: OnFailureDestination | undefined;
  /** After a failed send to the destination, the partitions wait this long. */
  readonly retryAfterMs: number;
  readonly partitions: PartitionTable;
  readonly committer: Committer;
  readonly counters: PollerCounters;
  readonly events: PollerEventEmitter;
  readonly warn: (error: unknown) => void;
}

/** About the invocation (if any) that gave up on the records. */
export interface DiscardInfo {
  readonly requestId: string;
  readonly invocations: number;
  readonly invoked: boolean;
  readonly functionError: boolean;
}

export class Discarder {
  readonly #options: DiscarderOptions;

  constructor(options: DiscarderOptions) {
    this.#options = options;
  }

  async discard(groups: readonly PartitionRecords[], condition: OnFailureCondition, info: DiscardInfo): Promise<void> {
    const o = this.#options;
    const ranges: DiscardedRange[] = [];
    let count = 0;
    let payloadSize = 0;
    for (const { state, records } of groups) {
      const first = records[0];
      const last = records[records.length - 1];
      if (first === undefined || last === undefined) continue;
      ranges.push({
        key: state.key,
        firstOffset: first.offset,
        lastOffset: last.offset,
        firstTimestamp: Number(first.timestamp),
        lastTimestamp: Number(last.timestamp),
        count: records.length,
      });
      count += records.length;
      payloadSize += JSON.stringify(buildMskEvent([records], { kind: o.eventSourceKind, bootstrapServers: o.bootstrapServers })).length;
    }
    const record = buildOnFailureRecord({
      requestId: info.requestId,
      functionArn: functionArn(o.fn),
      condition,
      approximateInvokeCount: info.invocations,
      functionError: info.functionError,
      invoked: info.invoked,
      executedVersion: o.fn.functionVersion,
      now: Date.now(),
      ...(o.eventSourceArn === undefined ? {} : { eventSourceArn: o.eventSourceArn }),
      bootstrapServers: o.bootstrapServers.join(','),
      consumerGroupId: o.groupId,
      payloadSize,
      ranges,
    });
    o.counters.recordsDiscarded += count;
    if (o.onFailure !== undefined) {
      try {
        await o.onFailure(record);
        o.counters.onFailureRecords++;
      } catch (error) {
        // Lambda keeps the batch when it cannot write to the destination; so do we: retry later.
        o.warn(new Error(`on-failure destination failed: ${describeError(error)}`));
        o.counters.recordsDiscarded -= count;
        for (const { state } of groups) state.notBefore = Date.now() + o.retryAfterMs;
        return;
      }
    }
    o.events.emit('discarded', record);
    for (const { state, records } of groups) {
      const last = records[records.length - 1];
      if (last === undefined || !o.partitions.isCurrent(state)) continue;
      state.retry = undefined;
      state.notBefore = 0;
      await o.committer.advance(state, last.offset + 1n);
    }
  }
}
