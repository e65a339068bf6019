/**
 * `_prisma_migrations` and the advisory lock, written exactly as Prisma's schema engine does
 * (apply_migrations.rs, sql_migration_persistence.rs, flavour/postgres.rs), so a later plain `prisma migrate
 * status` or `deploy` reads our rows as its own. Every statement here autocommits on the migration session, never
 * inside a migration's transaction, as in Prisma.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { quoteIdent } from '@pgsafe/core/guard';

/** The key Prisma Migrate takes with pg_advisory_lock: a stray `prisma migrate deploy` serializes with us. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** A Prisma error code with Prisma's wording, so users can look it up. */
export class PrismaMigrateError extends Error {
  override name = 'PrismaMigrateError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export class Bookkeeping {
  private readonly table: string;
  constructor(
    private readonly client: pg.Client,
    /** The schema of the datasource URL (`?schema=`, default `public`): the table lives there. */
    readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}."_prisma_migrations"`;
  }

  /** Waits for Prisma's advisory lock; `onWait` is called once with the holder's pid when someone else has it.
   *  `timeoutMs` 0 waits as long as it takes (a concurrent deploy may be building an index concurrently). */
  async lock(timeoutMs: number, onWait?: (holderPid: number | null) => void): Promise<void> {
    const got = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [PRISMA_ADVISORY_LOCK_KEY]);
    if (got.rows[0]!.ok) return;
    const holder = await this.client.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1 AND objsubid = 1 LIMIT 1",
      [PRISMA_ADVISORY_LOCK_KEY],
    );
    onWait?.(holder.rows[0]?.pid ?? null);
    await this.client.query(`SET lock_timeout = ${Math.max(0, Math.round(timeoutMs))}`);
    try {
      await this.client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        throw new PrismaMigrateError('P1002', `Timed out trying to acquire a postgres advisory lock (SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})). Timeout: ${timeoutMs}ms. Another migration (prisma migrate deploy, or pgsafe prisma migrate deploy) holds it.`);
      }
      throw error;
    } finally {
      await this.client.query('RESET lock_timeout');
    }
  }

  async unlock(): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
  }

  async tableExists(): Promise<boolean> {
    const { rows } = await this.client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [this.table]);
    return rows[0]!.t !== null;
  }

  /** Prisma refuses to start migrating a schema that already has objects and no migrations table (P3005). */
  async schemaIsEmpty(): Promise<boolean> {
    const { rows } = await this.client.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1)
            + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'c') AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid))
            + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) AS n`,
      [this.schema],
    );
    return Number(rows[0]!.n) === 0;
  }

  /** `create_migrations_table` in flavour/postgres.rs; Migrate creates the URL's schema when it does not exist. */
  async createTable(): Promise<void> {
    await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
    await this.client.query(`CREATE TABLE ${this.table} (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
  }

  async rows(): Promise<MigrationRow[]> {
    const { rows } = await this.client.query<MigrationRow>(`SELECT * FROM ${this.table} ORDER BY started_at ASC`);
    return rows;
  }

  /** `record_migration_started`: returns the new row's id. */
  async started(name: string, checksum: string): Promise<string> {
    const id = randomUUID();
    await this.client.query(`INSERT INTO ${this.table} (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)`, [id, checksum, name]);
    return id;
  }

  /** `record_successful_step` then `record_migration_finished`. */
  async finished(id: string): Promise<void> {
    await this.client.query(`UPDATE ${this.table} SET applied_steps_count = applied_steps_count + 1 WHERE id = $1`, [id]);
    await this.client.query(`UPDATE ${this.table} SET finished_at = now() WHERE id = $1`, [id]);
  }

  /** `record_failed_step`: the row stays unfinished, which blocks later deploys (P3009) until resolved. */
  async failed(id: string, logs: string): Promise<void> {
    await this.client.query(`UPDATE ${this.table} SET logs = $1 WHERE id = $2`, [logs, id]);
  }
}

/** Rows that block every deploy: started, never finished, never rolled back (`detect_failed_migrations`). */
export function failedRows(rows: MigrationRow[]): MigrationRow[] {
  return rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
}

/** Prisma's rule: a migration is applied when a row with its name has not been rolled back. */
export function pendingNames(names: string[], rows: MigrationRow[]): string[] {
  const applied = new Set(rows.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
  return names.filter((n) => !applied.has(n));
}

export function p3009(failed: MigrationRow[]): PrismaMigrateError {
  const list = failed.map((r) => `The \`${r.migration_name}\` migration started at ${r.started_at.toISOString()} failed`).join('\n');
  return new PrismaMigrateError(
    'P3009',
    `migrate found failed migrations in the target database, new migrations will not be applied. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n${list}\n` +
      `Fix the database by hand, then mark the migration with \`prisma migrate resolve --rolled-back <name>\` (to run it again) or \`--applied <name>\`.`,
  );
}
