import { FUZZ_TARGETS } from './properties.js';

/*
 * `npm run fuzz`: every fuzz property, FUZZ_RUNS cases in total (default
 * 120,000) shared by weight; FUZZ_SEED replays a run. Exits non-zero on the
 * first property that fails, printing its counterexample and seed.
 */

const total = Number(process.env.FUZZ_RUNS ?? 120_000);
const seedText = process.env.FUZZ_SEED;
const seed = seedText === undefined || seedText === '' ? undefined : Number(seedText);
const weights = FUZZ_TARGETS.reduce((sum, target) => sum + target.weight, 0);

const started = performance.now();
let cases = 0;
for (const target of FUZZ_TARGETS) {
  const numRuns = Math.max(1, Math.round((total * target.weight) / weights));
  const t0 = performance.now();
  await target.run({ numRuns, ...(seed === undefined ? {} : { seed }) });
  cases += numRuns;
  console.log(
    `${target.name.padEnd(16)} ${String(numRuns).padStart(7)} cases  ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`,
  );
}
console.log(`${'total'.padEnd(16)} ${String(cases).padStart(7)} cases  ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
