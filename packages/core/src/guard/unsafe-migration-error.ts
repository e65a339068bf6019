import type { Finding } from '../finding.js';
import { renderFinding } from '../report/pretty.js';
import type { MigrationInfo } from './types.js';

/** A migration statement was refused before it reached the database: error-level findings. */
export class UnsafeMigrationError extends Error {
  constructor(
    readonly migration: MigrationInfo,
    /** The statement that was refused, as the ORM sent it. */
    readonly sql: string,
    /** Its error-level findings. */
    readonly findings: Finding[],
    /** The SQL of the migration so far (what the findings' positions refer to). */
    readonly source: string,
    hints: string[] = [],
  ) {
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
  }
}
