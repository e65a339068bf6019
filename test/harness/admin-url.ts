/** Where the test server is: the URL the global setup provided, or TEST_DATABASE_URL outside vitest's inject. */
import { inject } from 'vitest';
import './provided.js';

/** The URL of a role allowed to create databases on the test server (database `postgres` or whichever was given). */
export function adminUrl(): string {
  let url: string | undefined;
  try {
    url = inject('pgsafeAdminUrl');
  } catch {
    // Not inside a vitest worker (a script reusing the helpers): fall back to the environment.
  }
  url ??= process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('No test server: run the tests through vitest (its global setup starts one) or set TEST_DATABASE_URL');
  return url;
}
