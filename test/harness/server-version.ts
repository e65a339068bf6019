/** Which PostgreSQL the tests run against, for tests whose expectations depend on the major version. */
import { adminUrl } from './admin-url.js';
import { openSession } from './sessions.js';

/** server_version_num, e.g. 150020 for 15.20 or 180004 for 18.4. */
export async function serverVersionNum(url: string = adminUrl()): Promise<number> {
  const client = await openSession(url, 'pgsafe-test-version');
  try {
    return Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The major version, e.g. 15. */
export async function serverMajor(url: string = adminUrl()): Promise<number> {
  return Math.floor((await serverVersionNum(url)) / 10000);
}
