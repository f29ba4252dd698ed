import { defineConfig } from 'vitest/config';

// One database per worker (test/support/db.ts), shared by the files that worker runs:
// isolate: false keeps the module (and its PGlite) alive between files.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/faults/**', '**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/fast-check-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
