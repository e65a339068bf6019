import type { Palette, TraceResult, TracedStatement } from '@pgsafe/core';
import { lockImpact, statementSummary, strongest, type LockMode } from '@pgsafe/core';

/** Where the trace ran, for the header. */
export interface TraceSetting {
  file: string;
  /** e.g. `embedded scratch database, schema from 2 earlier migrations`, or the redacted target. */
  where: string;
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`;
}

function statementLines(s: TracedStatement, c: Palette): string[] {
  const head = `${c.bold(`${String(s.index + 1).padStart(3)}`)}  line ${s.line}  ${statementSummary(s.text, 70)}`;
  const out = [s.status === 'ok' || s.status === 'error' ? `${head}  ${c.dim(ms(s.ms))}` : head];
  const row = (label: string, text: string) => out.push(`     ${c.cyan(label.padEnd(10))} ${text}`);
  if (s.tracedAs) row('traced as', s.tracedAs);
  if (s.status === 'ok') {
    const internal = s.internalLocks ? c.dim(` (+${s.internalLocks} on TOAST and transient relations)`) : '';
    row('locks', `${s.locks.length ? s.locks.map((l) => `${l.relation}${l.kind === 'table' ? '' : ` (${l.kind})`} ${l.pgMode}`).join(', ') : 'none newly acquired'}${internal}`);
    // What the application feels: the strongest lock on each table, new or held since an earlier statement.
    const byTable = new Map<string, LockMode>();
    for (const l of [...s.locks, ...s.alreadyHeld]) if (l.kind === 'table' || l.kind === 'partitioned table') byTable.set(l.relation, byTable.has(l.relation) ? strongest(byTable.get(l.relation)!, l.mode) : l.mode);
    if (s.alreadyHeld.length) row('held', `${s.alreadyHeld.map((l) => `${l.relation} ${l.pgMode}`).join(', ')} (since an earlier statement)`);
    if (s.documented.length) {
      const docs = s.documented.map((d) => {
        const table = d.table.replace(/^public\./, '');
        const seen = [...s.locks, ...s.alreadyHeld].some((l) => l.relation === table && l.mode === d.mode);
        const covering = s.alreadyHeld.filter((l) => l.relation === table && strongest(l.mode, d.mode) === l.mode).reduce<(typeof s.alreadyHeld)[number] | undefined>((a, l) => (a && strongest(a.mode, l.mode) === a.mode ? a : l), undefined);
        const mark = seen ? ` ${c.bold('✓')}` : covering ? ` (covered by the ${covering.pgMode} held since an earlier statement)` : ` ${c.red('(not observed)')}`;
        return `${d.mode} on ${d.table}${s.tracedAs && !covering ? '' : mark}`;
      });
      row('documented', docs.join(', '));
    }
    for (const [table, mode] of byTable) row('blocks', `${table}: ${lockImpact(mode, table, '').blocks}${s.tracedAs ? ' (as traced)' : ''}`);
    row('rewrite', s.rewrites.length ? c.yellow(s.rewrites.map((r) => `${r.relation} (${r.kind})`).join(', ')) : 'none');
    if (s.created.length) row('created', s.created.join(', '));
  }
  if (s.error) row('error', c.red(`${s.error.message}${s.error.code ? ` (SQLSTATE ${s.error.code})` : ''}`));
  for (const n of s.notes) row('note', n);
  return out;
}

export function renderTrace(result: TraceResult, setting: TraceSetting, c: Palette): string {
  const lines = [c.bold(`Trace of ${setting.file} on PostgreSQL ${result.server} (${setting.where}); rolled back, nothing committed`), ''];
  for (const s of result.statements) lines.push(...statementLines(s, c), '');
  const failed = result.statements.find((s) => s.status === 'error');
  const traced = result.statements.filter((s) => s.status === 'ok').length;
  const rewrites = result.statements.reduce((n, s) => n + s.rewrites.length, 0);
  lines.push(
    `${traced} of ${result.statements.length} statements traced in ${ms(result.ms)}, ${rewrites} ${rewrites === 1 ? 'rewrite' : 'rewrites'}${failed ? c.red(`; statement ${failed.index + 1} (line ${failed.line}) fails`) : ''}`,
  );
  if (result.sequencesMoved.length) {
    lines.push(c.yellow(`warning: the rollback does not undo sequences (nextval is not transactional): ${result.sequencesMoved.length} moved during the trace. pgsafe leaves them, since other sessions may have drawn values meanwhile; if none did, set them back:`));
    for (const m of result.sequencesMoved) lines.push(`  ${m.sequence}: ${m.before ?? 'unused'} -> ${m.after}   ${m.restore}`);
  }
  return lines.join('\n') + '\n';
}
