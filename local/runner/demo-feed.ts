import { setTimeout as sleep } from 'node:timers/promises';
import { produceDemo } from './demo-produce.js';

export interface DemoFeed {
  /** Records produced so far. */
  produced(): number;
  /** Stops after the send in flight; resolves when it has. */
  stop(): Promise<void>;
}

/**
 * Keeps demo records flowing into a topic while the demo sink runs, so that
 * `npm start` alone shows the sink at work: about `ratePerSecond` records a
 * second, with the generator's share of poison records and tombstones.
 */
export function startDemoFeed(
  bootstrapServers: readonly string[],
  topic: string,
  ratePerSecond: number,
  warn: (line: string) => void,
): DemoFeed {
  let stopping = false;
  // A call, not the variable: the loop must see a stop() that happens while it awaits.
  const stopped = (): boolean => stopping;
  let produced = 0;
  const loop = async (): Promise<void> => {
    // Each round has its own seed: new orders every second, reproducible from the start time.
    for (let round = Date.now(); !stopped(); round++) {
      const started = Date.now();
      try {
        produced += (await produceDemo(bootstrapServers, topic, { count: ratePerSecond, seed: round })).records.length;
      } catch (error) {
        warn(`demo feed: producing to ${topic} failed (${error instanceof Error ? error.message : String(error)}); trying again`);
      }
      const wait = 1_000 - (Date.now() - started);
      if (wait > 0 && !stopped()) await sleep(wait);
    }
  };
  const running = loop();
  return {
    produced: () => produced,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
}
