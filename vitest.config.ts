import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e files start Chromium; two at once is all two cores take.
    maxWorkers: 2,
  },
});
