/** For pgsafe.config.ts: `import { defineConfig } from 'pgsafe'`. */
export { defineConfig, type PgsafeConfig, type RunConfig } from '@pgsafe/core';
