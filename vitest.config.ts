import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A temporary folder per run, removed at the end: no cdk.out* left in the system temp folder.
    globalSetup: ['test/support/global-temp.ts'],
    // Synthesizing CDK apps with three cdk-nag packs is CPU-heavy: one fork per core.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
