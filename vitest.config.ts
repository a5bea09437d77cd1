import { defineConfig } from 'vitest/config';

// One runner for the whole repo: unit tests sit next to their package, end-to-end tests under tests/.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: files run in parallel, each with its own database, queue prefix and buckets.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
