import { describe, it } from 'vitest';
import { FUZZ_TARGETS } from '../fuzz/properties.js';

/*
 * A sample of the fuzz properties on every unit run (`npm run fuzz` runs the
 * full 100,000+, from a fresh seed it prints). FUZZ_SAMPLE_RUNS overrides the
 * per-property count. The sample runs from a fixed seed, so a unit run never
 * fails at random; FUZZ_SEED=<the seed a fuzz run printed> replays it here.
 */
const runs = Number(process.env.FUZZ_SAMPLE_RUNS ?? 300);
const seed = Number(process.env.FUZZ_SEED ?? 20_261_130);

describe('fuzz sample: any input yields a value or a typed error', () => {
  for (const target of FUZZ_TARGETS) {
    it(
      target.name,
      async () => {
        await target.run({ numRuns: runs, seed });
      },
      30_000,
    );
  }
});
