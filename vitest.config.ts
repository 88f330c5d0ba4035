import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e tests start servers and child processes; two cores means little is gained past 2 workers.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['./test/helpers/summary-reporter.ts', 'default'],
  },
});
