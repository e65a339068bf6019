/**
 * One pooled connection held for a whole migration run: the advisory lock lives on it, and the statements of
 * non-transactional migrations run on it, so that the guard's SET lock_timeout ... and its restore reach the same
 * session as the statement (MikroORM sends each such statement to whichever pooled connection is free).
 * Holding it costs no extra connection: the CLI's pool of two is the master transaction plus this one.
 */
import { quoteLiteral, type GuardSession } from '@pgsafe/core/guard';
import { queryText } from './migration-sql.js';

export interface MikroDriver {
  execute(sql: unknown, params?: unknown[], method?: string, ctx?: unknown, loggerContext?: unknown): Promise<unknown>;
  getConnection(type?: string): MikroConnection;
}

interface MikroConnection {
  /** v7: Kysely. */
  getClient?(): { connection(): { execute<T>(fn: (db: unknown) => Promise<T>): Promise<T> } };
  /** v6: knex. */
  getKnex?(): { client: { acquireConnection(): Promise<RawConnection>; releaseConnection(c: RawConnection): Promise<unknown> } };
}

interface RawConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface PinnedConnection {
  session: GuardSession;
  /** Sends a migration query (as the runner passes it) on this connection. */
  send(query: unknown, params?: unknown[]): Promise<unknown>;
}

export async function withPinnedConnection<T>(driver: MikroDriver, fn: (pinned: PinnedConnection) => Promise<T>): Promise<T> {
  const connection = driver.getConnection('write');
  if (connection.getClient) {
    // MikroORM 7: a Kysely bound to one connection is a valid context for driver.execute (logging and onQuery stay).
    return connection.getClient().connection().execute((db) =>
      fn({
        session: { inTransaction: false, query: async (sql, params) => ({ rows: (await driver.execute(inline(sql, params), [], 'all', db)) as Record<string, unknown>[] }) },
        send: (query, params) => driver.execute(query, params, 'all', db),
      }),
    );
  }
  if (connection.getKnex) {
    // MikroORM 6: knex contexts are transactions only, so the pinned connection is the pool's pg client itself.
    const { client } = connection.getKnex();
    const raw = await client.acquireConnection();
    try {
      return await fn({ session: { inTransaction: false, query: (sql, params) => raw.query(sql, params) }, send: (query) => raw.query(queryText(query)) });
    } finally {
      await client.releaseConnection(raw);
    }
  }
  throw new Error('@pgsafe/mikro-orm: unknown MikroORM connection (supported: MikroORM 6 with knex, MikroORM 7 with Kysely)');
}

/** Writes $1-style parameters into the SQL: MikroORM formats its own `?` placeholders, not PostgreSQL's. Only for
 *  pgsafe's own queries (names and settings). */
export function inline(sql: string, params: unknown[] = []): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number') return String(value);
    // An array parameter ($1::oid[]) as PostgreSQL's array literal.
    if (Array.isArray(value)) return quoteLiteral(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
    return quoteLiteral(String(value));
  });
}
