/** The live connection of `pgsafe check --database-url`: read-only by construction. Every transaction on it is
 *  READ ONLY (default_transaction_read_only, checked after connecting), every statement has a short
 *  statement_timeout, and lock waits give up at once, so pgsafe never writes to, or queues on, a production
 *  database. */
import type pg from 'pg';
import { openConnection } from '../execute/connection.js';

export interface ReadOnlyOptions {
  /** statement_timeout of every query (ms). Default 5000. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
}

/** A query that PostgreSQL cancelled because of statement_timeout (SQLSTATE 57014). */
export function isTimeout(error: unknown): boolean {
  // By SQLSTATE, not `instanceof pg.DatabaseError`: this module never needs the driver's value at import time.
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '57014';
}

/** A read-only session. Only `query` is exposed; the session settings cannot be changed through it. */
export class ReadOnlySession {
  private constructor(
    private readonly client: pg.Client,
    readonly statementTimeoutMs: number,
    readonly pid: number,
    readonly serverVersion: string,
    readonly serverVersionNum: number,
  ) {}

  /** Connects and makes the session read-only. Rejects with `ConnectionError` (password redacted) when the server
   *  cannot be reached. */
  static async open(url: string, options: ReadOnlyOptions = {}): Promise<ReadOnlySession> {
    const timeout = options.statementTimeoutMs ?? 5000;
    const client = await openConnection(url, {
      applicationName: options.applicationName ?? 'pgsafe-live',
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    try {
      await client.query(
        `SET default_transaction_read_only = on; SET statement_timeout = ${Math.max(1, Math.round(timeout))}; SET lock_timeout = 100; SET idle_in_transaction_session_timeout = 60000`,
      );
      const { rows } = await client.query<{ ro: string; v: string; n: string; pid: number }>(
        `SELECT current_setting('transaction_read_only') AS ro, current_setting('server_version') AS v, current_setting('server_version_num') AS n, pg_backend_pid() AS pid`,
      );
      const row = rows[0]!;
      if (row.ro !== 'on') throw new Error('pgsafe: the live session did not become read-only; refusing to continue');
      return new ReadOnlySession(client, timeout, row.pid, row.v, Number(row.n));
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  }

  /** Runs one statement in its own READ ONLY transaction (a write fails with SQLSTATE 25006). It goes through the
   *  extended protocol, which refuses several statements in one string, so no `COMMIT; SET ...` can end the read-only
   *  transaction or change the session. `timeoutMs` lowers or raises the statement_timeout for this query only. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], timeoutMs?: number): Promise<pg.QueryResult<R>> {
    await this.client.query('BEGIN TRANSACTION READ ONLY');
    try {
      if (timeoutMs !== undefined) await this.client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      const result = await this.client.query<R>({ text: sql, values: params, queryMode: 'extended' } as pg.QueryConfig);
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
