/** Helpers for rule end-to-end tests on real PostgreSQL (test-only, not in dist). */
import { holdLock, timed, waitUntilWaitingOnLock, type TestDatabase, type Timed } from '@pgsafe/testing';
import { loadParser, parseMigration } from '../parse.js';
import type { Finding } from '../finding.js';

/** Runs `statements` in a transaction kept open for `holdMs` (then rolled back, or committed), and measures how
 *  long `appSql`, sent meanwhile from another session, waited: what the application experiences during the step. */
export async function appWaitWhileHeld(db: TestDatabase, statements: string[], appSql: string, holdMs = 400, end: 'commit' | 'rollback' = 'rollback'): Promise<Timed> {
  const migration = await holdLock(db.url, statements, 'pgsafe-test-migration');
  try {
    const app = timed(db.url, appSql, { applicationName: 'pgsafe-test-app' });
    // Either the app queues behind the lock, or its query ends: no deadline in between, because on a loaded machine
    // the app's session may take longer than holdMs just to connect, and a deadline then released the lock before
    // the app ever queued (the app saw no wait, and the test measured the load instead of the lock).
    const done = new AbortController();
    const waiting = await Promise.race([
      waitUntilWaitingOnLock(db.url, 'pgsafe-test-app', 60_000, done.signal).then(() => true, () => false),
      app.then(() => false),
    ]);
    done.abort();
    if (waiting) await new Promise((r) => setTimeout(r, holdMs));
    await migration.release(end);
    return await app;
  } finally {
    await migration.release('rollback');
  }
}

/** The executable statements of a finding's recipe (comments dropped), with `<placeholders>` filled in. */
export async function recipeStatements(finding: Finding, fill: Record<string, string> = {}): Promise<string[]> {
  await loadParser();
  let sql = finding.recipe.sql.split('\n').filter((l) => !l.trimStart().startsWith('--')).join('\n');
  for (const [placeholder, value] of Object.entries(fill)) sql = sql.split(placeholder).join(value);
  return parseMigration(sql, 'recipe.sql').statements.map((s) => s.text);
}

/** Runs statements one by one in autocommit on a fresh session; rejects on the first failure. */
export async function runAll(db: TestDatabase, statements: string[]): Promise<void> {
  const client = await db.connect({ applicationName: 'pgsafe-test-migration' });
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Incident 2 on a real server: a reporting transaction reads `table` for `blockerMs`; the migration runs
 *  `statements` (waiting for its lock); then the application queries the table. Returns how long the application
 *  waited and how the migration ended. */
export async function lockQueueScenario(
  db: TestDatabase,
  options: { table: string; statements: string[]; appSql: string; blockerMs: number },
): Promise<{ app: Timed; migrationError?: Error & { code?: string } }> {
  const blocker = await holdLock(db.url, [`SELECT count(*) FROM ${options.table}`], 'pgsafe-test-report');
  const migrationSession = await db.connect({ applicationName: 'pgsafe-test-migration' });
  const migration = (async () => {
    for (const sql of options.statements) await migrationSession.query(sql);
  })().then(
    () => undefined,
    (error: Error & { code?: string }) => error,
  );
  try {
    const raced = await Promise.race([waitUntilWaitingOnLock(db.url, 'pgsafe-test-migration', options.blockerMs).then(() => 'waiting'), migration.then(() => 'done')]);
    const app = timed(db.url, options.appSql, { applicationName: 'pgsafe-test-app' });
    if (raced === 'waiting') {
      // The blocker's time starts once the app query is queued: its session may take a while to open on a loaded
      // machine. An app query that is never queued (the migration gave up first) ends the wait.
      const appDone = new AbortController();
      void app.finally(() => appDone.abort());
      await waitUntilWaitingOnLock(db.url, 'pgsafe-test-app', 60_000, appDone.signal).catch(() => undefined);
    }
    const releaseAt = setTimeout(() => void blocker.release().catch(() => {}), raced === 'waiting' ? options.blockerMs : 0);
    const [appResult, migrationError] = await Promise.all([app, migration]);
    clearTimeout(releaseAt);
    return { app: appResult, ...(migrationError ? { migrationError } : {}) };
  } finally {
    await blocker.release();
    await migrationSession.end().catch(() => {});
  }
}
