import { describe, it } from 'vitest';
import { FUZZ_TARGETS } from '../fuzz/properties.js';

/*
 * A sample of the fuzz properties on every unit run (`npm run fuzz` runs the
 * full 100,000+). FUZZ_SAMPLE_RUNS overrides the per-property count.
 */
const runs = Number(process.env.FUZZ_SAMPLE_RUNS ?? 300);

describe('fuzz sample: any input yields a value or a typed error', () => {
  for (const target of FUZZ_TARGETS) {
    it(target.name, async () => {
      await target.run({ numRuns: runs });
    }, 30_000);
  }
});
