import { globSync } from 'tinyglobby';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { splitByServerNeed } from './test/harness/needs-server.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const { server, none } = splitByServerNeed(
  root,
  globSync(['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'], { cwd: root, ignore: ['**/node_modules/**', '**/dist/**'] }),
  { '@pgsafe/testing': src('./test/harness/index.ts'), '@pgsafe/core': src('./packages/core/src/index.ts'), '@pgsafe/core/guard': src('./packages/core/src/guard-entry.ts') },
);

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not a stale dist.
    // Exact names: '@pgsafe/core' must not also catch '@pgsafe/core/guard', the adapters' light entry.
    alias: [
      { find: /^@pgsafe\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@pgsafe\/core\/guard$/, replacement: src('./packages/core/src/guard-entry.ts') },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files run in parallel child processes; two match the CI machine's cores, and more would only contend
    // with the PostgreSQL server for CPU and make the lock-wait timings noisy.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // Files whose imports never reach the test server's URL: no PostgreSQL is started for them.
      { extends: true, test: { name: 'unit', include: none, globalSetup: ['test/harness/temp-root.ts'] } },
      // One PostgreSQL for all the others; each test file then works in its own database.
      { extends: true, test: { name: 'db', include: server, globalSetup: ['test/harness/temp-root.ts', 'test/harness/global-setup.ts'] } },
    ],
  },
});
