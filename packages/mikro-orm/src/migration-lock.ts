/**
 * MikroORM takes no lock around a migration run: two deploys starting together both see the same pending migrations
 * and both apply them. pgsafe holds a session advisory lock on the run's pinned connection; a second run waits for
 * it, then finds nothing left to apply.
 */
import type { GuardSession } from '@pgsafe/core/guard';

/** pgsafe's namespace among the two-key advisory locks (pg_locks shows it as classid); the same as @pgsafe/typeorm. */
const NAMESPACE = 7368;

/** Per migrations table: runs against different tables (or schemas) do not wait for each other. */
export function lockKey(options: { tableName?: string; schema?: string }): string {
  return `pgsafe mikro-orm migrations ${options.schema ?? 'public'}.${options.tableName ?? 'mikro_orm_migrations'}`;
}

export async function withMigrationLock<T>(session: GuardSession, key: string, run: () => Promise<T>, say: (line: string) => void): Promise<T> {
  const { rows } = await session.query(`SELECT pg_try_advisory_lock(${NAMESPACE}, hashtext($1)) AS got`, [key]);
  if (!rows[0]?.got) {
    const holder = await session.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${NAMESPACE} AND objid = hashtext($1)::oid AND objsubid = 2 LIMIT 1`,
      [key],
    );
    say(`pgsafe: another migration run holds the migration lock${holder.rows[0] ? ` (pid ${holder.rows[0].pid})` : ''}; waiting for it to finish`);
    await session.query(`SELECT pg_advisory_lock(${NAMESPACE}, hashtext($1))`, [key]);
  }
  try {
    return await run();
  } finally {
    await session.query(`SELECT pg_advisory_unlock(${NAMESPACE}, hashtext($1))`, [key]).catch(() => {});
  }
}
