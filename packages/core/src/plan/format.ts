/** The printable plan (`pgsafe run --dry-run`): each step with how it runs and the exact SQL it sends. */
import { noColor, type Palette } from '../report/pretty.js';
import { lockImpact } from '../locks.js';
import { formatDuration } from './duration.js';
import type { Plan, Step } from './types.js';
import type { StepKind } from './classify.js';

const KIND_LABEL: Record<StepKind, string> = {
  transaction: 'transaction',
  'transaction-block': 'transaction block, as written',
  'validate-constraint': 'VALIDATE CONSTRAINT, in its own transaction',
  'create-index-concurrently': 'CREATE INDEX CONCURRENTLY, autocommit',
  'drop-index-concurrently': 'DROP INDEX CONCURRENTLY, autocommit',
  'reindex-concurrently': 'REINDEX CONCURRENTLY, autocommit',
  'detach-partition-concurrently': 'DETACH PARTITION CONCURRENTLY, autocommit',
  vacuum: 'VACUUM, autocommit',
  batched: 'batched DO block, one transaction per batch',
  'enum-add-value': 'ALTER TYPE ... ADD VALUE, autocommit (before PostgreSQL 12)',
  'alter-system': 'ALTER SYSTEM, autocommit',
  database: 'database-level statement, autocommit',
  'non-transactional': 'autocommit (cannot run in a transaction)',
};

export function kindLabel(kind: StepKind): string {
  return KIND_LABEL[kind];
}

/** One line per step header: `Step 2/3 · CREATE INDEX CONCURRENTLY, autocommit · line 6`. */
export function stepHeader(step: Step, total: number): string {
  const [from, to] = step.lines;
  return `Step ${step.id}/${total} · ${KIND_LABEL[step.kind]} · ${from === to ? `line ${from}` : `lines ${from}-${to}`}`;
}

export function formatPlan(plan: Plan, c: Palette = noColor): string {
  const o = plan.options;
  const out: string[] = [];
  const n = plan.steps.length;
  out.push(c.bold(`Plan for ${plan.file}: ${n} step${n === 1 ? '' : 's'} (PostgreSQL ${o.pgVersion})`));
  out.push(
    c.dim(
      `defaults: lock_timeout ${formatDuration(o.lockTimeoutMs)}, statement_timeout ${formatDuration(o.statementTimeoutMs)}; ` +
        `long non-blocking steps: lock_timeout ${formatDuration(o.longLockTimeoutMs)}, statement_timeout ${formatDuration(o.longStatementTimeoutMs)}; ` +
        `lock-timeout retries: ${o.retries} within ${formatDuration(o.retryBudgetMs)} per step`,
    ),
  );
  for (const step of plan.steps) {
    out.push('');
    out.push(c.bold(stepHeader(step, n)));
    const timeouts = `lock_timeout ${formatDuration(step.lockTimeoutMs)} · statement_timeout ${formatDuration(step.statementTimeoutMs)}${step.long ? ' (long step, blocks no reads or writes)' : ''}`;
    out.push(`  ${c.cyan('timeouts:')} ${timeouts}`);
    for (const t of step.targets) {
      const impact = lockImpact(t.mode, t.table.sql, '');
      const scope = t.newTable ? ' (table created by this migration: no traffic yet)' : `, blocks ${impact.blocks}`;
      out.push(`  ${c.cyan('lock:')} ${t.mode} on ${t.table.sql}${scope}`);
    }
    if (step.preflight) out.push(`  ${c.cyan('pre-flight:')} looks for sessions that would block the lock (long transactions on the table, idle in transaction) before each attempt`);
    if (step.retry.retries > 0) {
      out.push(`  ${c.cyan('retry:')} on lock timeout or deadlock, ${step.transactional ? 'rolled back and ' : ''}tried again up to ${step.retry.retries} times within ${formatDuration(step.retry.budgetMs)}, with back-off`);
    }
    if (step.indexCleanup) {
      const what = step.indexCleanup.index ? `INVALID index ${step.indexCleanup.index.name}${step.indexCleanup.reindex ? '_ccnew/_ccold' : ''}` : 'INVALID index';
      out.push(`  ${c.cyan('cleanup:')} an ${what} left by a failed or interrupted build is dropped (DROP INDEX CONCURRENTLY) before a retry`);
    }
    for (const s of step.statements) {
      if (s.added) out.push(`  ${c.cyan('re-runnable:')} line ${s.start.line}: ${s.added} added`);
    }
    for (const line of step.sql.split('\n')) out.push(`    ${c.dim('│')} ${line}`);
  }
  if (plan.notes.length) {
    out.push('', c.bold('Notes'));
    for (const note of plan.notes) out.push(`  ${plan.file}:${note.line}: ${note.message}`);
  }
  return out.join('\n') + '\n';
}
