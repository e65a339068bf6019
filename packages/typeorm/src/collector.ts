/**
 * `pgsafe check --orm typeorm`: the SQL a TypeORM migration's up() sends, without a database. up() runs against a
 * PostgreSQL query runner of an unconnected DataSource whose query() records each statement and answers with no
 * rows: raw queryRunner.query() calls (all that migration:generate writes) and the schema API on tables the
 * migration creates (createTable, createIndex ...) produce their SQL. The schema API on existing tables (addColumn on
 * "user") must read the table's definition first, which needs the database: such a migration is reported as not
 * collectable, with TypeORM's error. A migration that reads data sees an empty database.
 */
import { basename } from 'node:path';
import { loadModule, type CollectedMigration, type MigrationCollector, isModuleMatching } from '@pgsafe/core/guard';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TRANSACTION_CONTROL = /^\s*(START\s+TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT)\b/i;
const MIGRATION_CLASS = /\bimplements\s+MigrationInterface\b|\basync\s+up\s*\(\s*queryRunner\b|\bup\s*\(\s*queryRunner\b/;

type MigrationClass = new () => MigrationInterface & { transaction?: boolean };

/** Loaded on first use: the project's TypeORM (0.3 or 1.x), and only by the check, never by withPgsafe. */
async function recordingRunner(statements: string[]): Promise<QueryRunner> {
  const { DataSource } = await import('typeorm');
  const runner = new DataSource({ type: 'postgres' }).driver.createQueryRunner('master');
  runner.query = (async (sql: string) => {
    // The schema API asks for the current schema and database before it writes SQL with their names.
    if (/^SELECT (\* FROM )?current_schema\(\)/i.test(sql)) return [{ current_schema: 'public', currentSchema: 'public' }];
    if (/^SELECT (\* FROM )?current_database\(\)/i.test(sql)) return [{ current_database: 'postgres', currentDatabase: 'postgres' }];
    if (!TRANSACTION_CONTROL.test(sql)) statements.push(sql);
    return [];
  }) as QueryRunner['query'];
  return runner;
}

function migrationClasses(mod: Record<string, unknown>): MigrationClass[] {
  const values = [...Object.values(mod), ...(mod.default && typeof mod.default === 'object' ? Object.values(mod.default) : [])];
  return [...new Set(values)].filter((v): v is MigrationClass => typeof v === 'function' && typeof (v as { prototype?: { up?: unknown } }).prototype?.up === 'function');
}

export const collector: MigrationCollector = {
  orm: 'typeorm',
  matches(file: string): boolean {
    return isModuleMatching(file, MIGRATION_CLASS);
  },
  async collect(file: string): Promise<CollectedMigration> {
    const classes = migrationClasses(await loadModule(file));
    if (classes.length !== 1) throw new Error(classes.length ? `${classes.length} migration classes in one file; TypeORM expects one` : 'no class with an up() method: not a TypeORM migration');
    const migration = new classes[0]!();
    const statements: string[] = [];
    await migration.up(await recordingRunner(statements));
    // The default migrationsTransactionMode ("all") runs every migration in a transaction.
    return { name: migration.name ?? classes[0]!.name ?? basename(file), statements, transactional: migration.transaction !== false };
  },
};
