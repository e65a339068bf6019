import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not a stale dist.
    alias: { '@pgsafe/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // One PostgreSQL for the whole run; each test file then works in its own database.
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files run in parallel child processes; two match the CI machine's cores, and more would only contend
    // with the PostgreSQL server for CPU and make the lock-wait timings noisy.
    pool: 'forks',
    maxWorkers: 2,
  },
});
