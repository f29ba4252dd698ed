import { defineConfig } from 'vitest/config';

// The fault suite (npm run test:faults): real server processes killed and restarted, one file at a time.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    setupFiles: ['test/support/fast-check-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
