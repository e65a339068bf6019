/**
 * `pgsafe check --orm knex`: the SQL a knex migration's up() sends, without a database. up() runs against a knex
 * whose client records each statement (bound values written in) and answers every query with no rows, so a
 * migration that reads data (hasTable, hasColumn, a SELECT) sees an empty database: the SQL is then the one for a
 * fresh database, which the check says nothing more about.
 */
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import { exported, loadModule, type CollectedMigration, type MigrationCollector, isModuleMatching } from '@pgsafe/core/guard';

const require = createRequire(import.meta.url);
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT)\b/i;
const MIGRATION_EXPORT = /\bexports\.up\b|\bexport\s+(async\s+)?function\s+up\b|\bexport\s+const\s+up\b|\bmodule\.exports\b[\s\S]*\bup\b/;

interface QueryObject {
  sql: string;
  bindings?: unknown[];
  response?: unknown;
}
type Knex = ((config: unknown) => KnexInstance) & { default?: unknown };
interface KnexInstance {
  destroy(): Promise<void>;
}
type FormatQuery = (sql: string, bindings: unknown[], timeZone: string | undefined, client: unknown) => string;

/** A knex instance whose client never connects and records what it would have sent. */
function recordingKnex(statements: string[]): KnexInstance {
  const knex = require('knex') as Knex;
  const PgClient = require('knex/lib/dialects/postgres') as new (config: unknown) => object;
  const { formatQuery } = require('knex/lib/execution/internal/query-executioner') as { formatQuery: FormatQuery };
  class RecordingClient extends PgClient {
    acquireConnection() {
      return Promise.resolve({ recording: true });
    }
    releaseConnection() {
      return Promise.resolve();
    }
    // Keep knex's ? placeholders, so that the bound values can be written into the recorded SQL.
    positionBindings(sql: string) {
      return sql;
    }
    _query(_connection: unknown, obj: QueryObject) {
      if (!TRANSACTION_CONTROL.test(obj.sql)) {
        statements.push(obj.bindings?.length ? formatQuery(obj.sql, obj.bindings, undefined, this) : obj.sql);
      }
      obj.response = { rows: [], rowCount: 0, command: 'SELECT', fields: [] };
      return Promise.resolve(obj);
    }
  }
  return knex({ client: RecordingClient, version: '18', connection: {}, pool: { min: 0, max: 1 } });
}

export const collector: MigrationCollector = {
  orm: 'knex',
  matches(file: string): boolean {
    return !/^knexfile\./.test(basename(file)) && isModuleMatching(file, MIGRATION_EXPORT);
  },
  async collect(file: string): Promise<CollectedMigration> {
    const mod = await loadModule(file);
    const up = exported<(knex: unknown) => unknown>(mod, 'up');
    if (typeof up !== 'function') throw new Error('no up() export: not a knex migration');
    const statements: string[] = [];
    const knex = recordingKnex(statements);
    try {
      await up(knex);
    } finally {
      await knex.destroy();
    }
    const config = exported<{ transaction?: boolean }>(mod, 'config');
    return { name: basename(file), statements, transactional: config?.transaction !== false };
  },
};
