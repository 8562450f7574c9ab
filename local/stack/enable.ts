/**
 * `pause` / `resume`: UpdateEventSourceMapping Enabled false/true for each mapping, then wait until
 * each state settles (Disabled / Enabled). Lambda passes through Disabling / Enabling / Updating.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import type { StackClients } from './clients.js';
import { topicOf } from './locate.js';

export interface SetEnabledOptions {
  readonly enabled: boolean;
  /** How long to wait for all the mappings to settle. */
  readonly timeoutMs: number;
  /** @default 2000 */
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
}

export interface MappingOutcome {
  readonly uuid: string;
  readonly topic: string;
  readonly from: string;
  readonly state: string;
  /** false when it was already in the wanted state (nothing was updated). */
  readonly changed: boolean;
  readonly settled: boolean;
}

export async function setMappingsEnabled(
  aws: StackClients,
  mappings: readonly EventSourceMappingConfiguration[],
  options: SetEnabledOptions,
): Promise<MappingOutcome[]> {
  const wanted = options.enabled ? 'Enabled' : 'Disabled';
  const log = options.log ?? (() => undefined);
  const pending = new Map<string, { topic: string; from: string; state: string; changed: boolean }>();
  for (const mapping of mappings) {
    const uuid = mapping.UUID ?? '';
    const topic = topicOf(mapping);
    const from = mapping.State ?? 'unknown';
    if (from === wanted) {
      log(`mapping ${uuid} (${topic}): already ${wanted}`);
      pending.set(uuid, { topic, from, state: from, changed: false });
      continue;
    }
    const updated = await aws.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: options.enabled }));
    log(`mapping ${uuid} (${topic}): ${from} → ${updated.State ?? 'unknown'}`);
    pending.set(uuid, { topic, from, state: updated.State ?? 'unknown', changed: true });
  }
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const unsettled = [...pending.entries()].filter(([, entry]) => entry.state !== wanted);
    if (unsettled.length === 0 || Date.now() >= deadline) break;
    await sleep(options.pollMs ?? 2_000);
    for (const [uuid, entry] of unsettled) {
      const current = await aws.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      const state = current.State ?? 'unknown';
      if (state !== entry.state)
        log(
          `mapping ${uuid} (${entry.topic}): ${state}${current.StateTransitionReason === undefined ? '' : ` (${current.StateTransitionReason})`}`,
        );
      entry.state = state;
    }
  }
  return [...pending.entries()].map(([uuid, entry]) => ({ uuid, ...entry, settled: entry.state === wanted }));
}
