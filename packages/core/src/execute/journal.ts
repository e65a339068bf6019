/**
 * The run journal: each migration's progress in the database itself (`pgsafe.migration_runs`), so that a rerun of a
 * failed migration resumes at its first uncommitted step instead of applying steps 1..k again. A transactional
 * step's progress is written inside its own transaction (committed together, or not at all); an autocommit step's
 * right after it (a CONCURRENTLY build is re-runnable: IF NOT EXISTS, checked VALID).
 */
import { createHash } from 'node:crypto';
import type { Plan } from '../plan/types.js';
import type { Queryable } from './catalog.js';

export const JOURNAL_TABLE = 'pgsafe.migration_runs';

/** What the journal holds for one migration. */
export interface JournalEntry {
  name: string;
  checksum: string;
  stepsTotal: number;
  stepsCommitted: number;
  status: 'running' | 'failed' | 'completed';
  error: string | null;
  /** Checksum of each step, as planned when the entry was started. */
  stepChecksums: string[];
  /** ISO time of the last change. */
  updatedAt: string;
}

/** The migration as the plan runs it: statements and step boundaries (comments and whitespace between statements
 *  do not count, a changed statement or a moved step boundary does). */
export function planChecksum(plan: Plan): string {
  return createHash('sha256').update(stepChecksums(plan).join('\n')).digest('hex').slice(0, 16);
}

/** One checksum per step: a file changed only after its committed steps can still be resumed. */
export function stepChecksums(plan: Plan): string[] {
  return plan.steps.map((step) => {
    const hash = createHash('sha256').update(`step ${step.transactional ? 'tx' : 'auto'}\n`);
    for (const s of step.statements) hash.update(`${s.text.trim()}\n;\n`);
    return hash.digest('hex').slice(0, 16);
  });
}

export async function ensureJournal(q: Queryable): Promise<void> {
  // Checked first: CREATE ... IF NOT EXISTS needs the CREATE privilege even when the object exists.
  const { rows } = await q.query<{ ok: boolean; steps: boolean }>(
    `SELECT to_regclass('${JOURNAL_TABLE}') IS NOT NULL AS ok,
            EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('${JOURNAL_TABLE}') AND attname = 'step_checksums') AS steps`,
  );
  if (rows[0]!.ok && rows[0]!.steps) return;
  if (rows[0]!.ok) {
    await q.query(`ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN IF NOT EXISTS step_checksums text[] NOT NULL DEFAULT '{}'`);
    return;
  }
  await q.query('CREATE SCHEMA IF NOT EXISTS pgsafe');
  await q.query(`CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    steps_total int NOT NULL,
    steps_committed int NOT NULL,
    step_checksums text[] NOT NULL DEFAULT '{}',
    status text NOT NULL CHECK (status IN ('running', 'failed', 'completed')),
    error text,
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await q.query(`COMMENT ON TABLE ${JOURNAL_TABLE} IS 'pgsafe run: progress of each migration, so that a failed run resumes at its first uncommitted step'`);
}

export async function readJournal(q: Queryable, name: string): Promise<JournalEntry | undefined> {
  const { rows } = await q.query<{ name: string; checksum: string; steps_total: number; steps_committed: number; step_checksums: string[]; status: JournalEntry['status']; error: string | null; updated_at: Date }>(
    `SELECT name, checksum, steps_total, steps_committed, step_checksums, status, error, updated_at FROM ${JOURNAL_TABLE} WHERE name = $1`,
    [name],
  );
  const r = rows[0];
  return r && { name: r.name, checksum: r.checksum, stepsTotal: r.steps_total, stepsCommitted: r.steps_committed, stepChecksums: r.step_checksums, status: r.status, error: r.error, updatedAt: r.updated_at.toISOString() };
}

/** Starts (or restarts) the entry with `committed` steps already applied. */
export async function startJournal(q: Queryable, name: string, checksum: string, steps: string[], committed: number): Promise<void> {
  await q.query(
    `INSERT INTO ${JOURNAL_TABLE} (name, checksum, steps_total, steps_committed, step_checksums, status)
     VALUES ($1, $2, $3, $4, $5, 'running')
     ON CONFLICT (name) DO UPDATE SET checksum = $2, steps_total = $3, steps_committed = $4, step_checksums = $5, status = 'running', error = NULL,
       started_at = CASE WHEN $4 = 0 THEN now() ELSE ${JOURNAL_TABLE}.started_at END, updated_at = now()`,
    [name, checksum, steps.length, committed, steps],
  );
}

/** The statement that records step `id` as committed (run inside the step's transaction, before COMMIT). */
export function stepCommittedSql(name: string, id: number): { text: string; values: unknown[] } {
  return { text: `UPDATE ${JOURNAL_TABLE} SET steps_committed = $2, updated_at = now() WHERE name = $1`, values: [name, id] };
}

export async function finishJournal(q: Queryable, name: string, status: 'failed' | 'completed', error?: string): Promise<void> {
  await q.query(`UPDATE ${JOURNAL_TABLE} SET status = $2, error = $3, updated_at = now() WHERE name = $1`, [name, status, error ?? null]);
}
