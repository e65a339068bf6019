/**
 * TypeORM takes no lock around a migration run: two deploys starting together both see the same pending migrations
 * and both apply them. pgsafe holds a session advisory lock on a connection of its own for the whole run; a second
 * run waits for it, then finds nothing left to apply.
 */
import type { DataSource, QueryRunner } from 'typeorm';

/** pgsafe's namespace among the two-key advisory locks (pg_locks shows it as classid). */
const NAMESPACE = 7368;

/** Per migrations table: runs against different tables (or schemas) do not wait for each other. */
export function lockKey(dataSource: DataSource): string {
  const options = dataSource.options as { schema?: string; migrationsTableName?: string };
  return `pgsafe typeorm migrations ${options.schema ?? 'public'}.${options.migrationsTableName ?? 'migrations'}`;
}

export async function withMigrationLock<T>(dataSource: DataSource, createRunner: () => QueryRunner, run: () => Promise<T>, say: (line: string) => void): Promise<T> {
  const runner = createRunner();
  const key = lockKey(dataSource);
  try {
    const got = (await runner.query(`SELECT pg_try_advisory_lock(${NAMESPACE}, hashtext($1)) AS got`, [key])) as { got: boolean }[];
    if (!got[0]?.got) {
      const holder = (await runner.query(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${NAMESPACE} AND objid = hashtext($1)::oid AND objsubid = 2 LIMIT 1`,
        [key],
      )) as { pid: number }[];
      say(`pgsafe: another migration run holds the migration lock${holder[0] ? ` (pid ${holder[0].pid})` : ''}; waiting for it to finish`);
      await runner.query(`SELECT pg_advisory_lock(${NAMESPACE}, hashtext($1))`, [key]);
    }
    try {
      return await run();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${NAMESPACE}, hashtext($1))`, [key]).catch(() => {});
    }
  } finally {
    await runner.release();
  }
}
