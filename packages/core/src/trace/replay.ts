/** Builds a scratch database's schema by applying earlier migrations, one statement at a time in autocommit (so
 *  CREATE INDEX CONCURRENTLY and explicit BEGIN ... COMMIT blocks run as written). */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { loadParser, parseMigration, ParseError } from '../parse.js';

export class ReplayError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`replaying ${file}:${line} failed: ${reason}`);
    this.name = 'ReplayError';
  }
}

export async function replayMigrations(client: pg.Client, files: string[]): Promise<void> {
  await loadParser();
  for (const file of files) {
    let migration;
    try {
      migration = parseMigration(readFileSync(file, 'utf8'), file);
    } catch (error) {
      if (error instanceof ParseError) throw new ReplayError(file, error.position.line, error.reason);
      throw error;
    }
    for (const stmt of migration.statements) {
      try {
        await client.query(stmt.text);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new ReplayError(file, stmt.start.line, (error as Error).message);
      }
    }
  }
}
