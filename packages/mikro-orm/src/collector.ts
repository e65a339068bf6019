/**
 * `pgsafe check --orm mikro-orm`: the SQL a MikroORM migration's up() sends, without a database. up() only collects
 * statements with addSql(), which getQueries() returns; nothing connects. A migration that runs SQL inside up()
 * (this.execute(), the EntityManager) or builds queries with v6's getKnex() needs the database and is reported as
 * not collectable. The migration file loads the project's @mikro-orm/migrations (MikroORM 7 needs Node 22.17+).
 */
import { basename } from 'node:path';
import { loadModule, type CollectedMigration, type MigrationCollector, isModuleMatching } from '@pgsafe/core/guard';
import { migrationClass, planningDriver, plannedSql } from './migration-sql.js';

// `extends Migration`, or compiled by tsc to CommonJS: `extends migrations_1.Migration`.
const MIGRATION_CLASS = /\bextends\s+(?:[\w$]+\.)?Migration\b/;

export const collector: MigrationCollector = {
  orm: 'mikro-orm',
  matches(file: string): boolean {
    return isModuleMatching(file, MIGRATION_CLASS);
  },
  async collect(file: string): Promise<CollectedMigration> {
    const Class = migrationClass(await loadModule(file));
    if (!Class) throw new Error('no exported class with an up() method: not a MikroORM migration');
    const migration = new Class(planningDriver(), undefined);
    const statements = await plannedSql(migration);
    // MikroORM's name for it: the file name without .js/.ts. The default `transactional: true` runs it in a
    // transaction unless the class opts out.
    return { name: basename(file).replace(/\.[jt]s$/, ''), statements, transactional: migration.isTransactional() };
  },
};
