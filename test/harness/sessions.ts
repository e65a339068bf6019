/** Sessions opened by the harness: tagged with an application_name so tests can find them in pg_stat_activity,
 *  and tracked so dropping a test database closes the ones left open. */
import pg from 'pg';

const open = new Set<pg.Client>();

/** A connected session on `url`, closed by `closeSessions` on its database if the caller doesn't end it. */
export async function openSession(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  // Tests terminate sessions on purpose (DROP ... WITH (FORCE), pg_terminate_backend): the pending query rejects,
  // and without a listener the idle client's 'error' event would crash the worker.
  client.on('error', () => {});
  client.once('end', () => open.delete(client));
  await client.connect();
  open.add(client);
  return client;
}

/** Starts closing every tracked session on `database`; resolves once they are closed. A session waiting on a lock
 *  only closes once its backend ends, so callers that may have such sessions terminate the backends meanwhile. */
export function closeSessions(database: string): Promise<void> {
  const ending = [...open].filter((c) => c.database === database).map((c) => c.end().catch(() => {}));
  return Promise.all(ending).then(() => {});
}

/** Renames an open session, e.g. before it starts the statement a test will look for with waitUntilWaitingOnLock. */
export async function setApplicationName(client: pg.ClientBase, applicationName: string): Promise<void> {
  await client.query("SELECT set_config('application_name', $1, false)", [applicationName]);
}
