import { configDefaults, defineConfig } from 'vitest/config';

// CERTAGENT_FAST=1 leaves out the suites that drive real programs for minutes (nginx and haproxy rotation under
// load, fault injection, fuzzing). .ci/run sets it for its second Node version, having run everything once.
const SLOW = ['test/e2e/nginx-*', 'test/e2e/haproxy-*', 'test/faults/**', 'test/fuzz/**'];
const fast = process.env.CERTAGENT_FAST === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(fast ? SLOW : [])],
    // Integration and e2e tests start servers and child processes; two cores means little is gained past 2 workers.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['./test/helpers/summary-reporter.ts', 'default'],
  },
});
