import { createRequire } from 'node:module';
import type Pg from 'pg';

let loaded: typeof Pg | undefined;

/** The pg driver, loaded on first use: `pgsafe check` never connects, and importing pg was a sixth of its start-up. */
export function pgModule(): typeof Pg {
  return (loaded ??= createRequire(import.meta.url)('pg') as typeof Pg);
}
