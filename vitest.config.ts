import { defineConfig } from 'vitest/config';

// KCS_TEST_REPORT=<path prefix> adds a JSON report (CI prints a summary from it); the fault
// suite, a run of its own, writes beside the main one.
const report = process.env.KCS_TEST_REPORT;
const reportFile = `${report ?? ''}${process.env.KCS_FAULT_SUITE === '1' ? '-fault' : ''}.json`;

export default defineConfig({
  test: {
    reporters: report === undefined || report === '' ? ['default'] : ['default', ['json', { outputFile: reportFile }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One Cassandra, one broker and one emulator on 2 cores: keep files sequential,
          // and run after the unit and infra projects, never beside another project that
          // uses the services (one file stops and restarts Cassandra).
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Synthesis bundles with esbuild and cfn-lint installs into .cache on first use.
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // Real Kafka, Cassandra and AWS emulator, a runner per test: one file at a time, generous
          // waits, and after the integration project (which stops and restarts Cassandra).
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          // LocalStack (installed into .cache on first use, started and stopped here); `cdk deploy`
          // of every example into it. Last, alone: it wants the 2 cores for itself.
          globalSetup: ['test/deploy/global-setup.ts'],
          sequence: { groupOrder: 3 },
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
      // The fault-injection suite kills and restarts its own services (other ports, another
      // data directory): only `npm run test:fault` (KCS_FAULT_SUITE=1 and the ports) runs it.
      ...(process.env.KCS_FAULT_SUITE === '1'
        ? [
            {
              test: {
                name: 'fault',
                include: ['test/fault/**/*.test.ts'],
                globalSetup: ['test/fault/global-setup.ts'],
                testTimeout: 90_000,
                hookTimeout: 180_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
