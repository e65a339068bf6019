import type { Finding } from '../finding.js';
import { renderFinding } from '../report/pretty.js';
import type { MigrationInfo } from './types.js';

/** A migration statement was refused before it reached the database: error-level findings. */
export class UnsafeMigrationError extends Error {
  declare readonly migration: MigrationInfo;
  /** The statement that was refused, as the ORM sent it. */
  declare readonly sql: string;
  /** Its error-level findings. */
  declare readonly findings: Finding[];
  /** The SQL of the migration so far (what the findings' positions refer to). */
  declare readonly source: string;

  constructor(migration: MigrationInfo, sql: string, findings: Finding[], source: string, hints: string[] = []) {
    const where = migration.file ? `${migration.name} (${migration.file})` : migration.name;
    const count = `${findings.length} error${findings.length === 1 ? '' : 's'}`;
    super(
      [
        `pgsafe blocked migration ${where}: ${count}. Nothing of this statement was sent to the database.`,
        '',
        ...findings.map((f) => renderFinding(f, source)),
        ...hints.map((h) => `hint: ${h}`),
        'To accept a finding, set its rule to "warning" or "off" in pgsafe.config.',
      ].join('\n'),
    );
    this.name = 'UnsafeMigrationError';
    // Not enumerable: runners that print the error with util.inspect (the TypeORM CLI does) show the message only.
    for (const [key, value] of Object.entries({ migration, sql, findings, source })) Object.defineProperty(this, key, { value, enumerable: false });
    // A refusal, not a crash: runners that print the stack (the knex CLI does) show the findings, not our frames.
    this.stack = `${this.name}: ${this.message}`;
  }
}
