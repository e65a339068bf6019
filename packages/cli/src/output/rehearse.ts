import type { Palette, RehearseResult } from '@pgsafe/core';
import { renderTrace } from './trace.js';

export interface RehearseSetting {
  file: string;
  /** Redacted target of the source database. */
  source: string;
  /** Redacted target of the scratch server, or `embedded`. */
  scratch: string;
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

export function renderRehearsal(r: RehearseResult, s: RehearseSetting, c: Palette): string {
  const lines = [c.bold(`Rehearsal of ${s.file}`)];
  const row = (label: string, text: string) => lines.push(`  ${c.cyan(label.padEnd(8))} ${text}`);
  row('source', `PostgreSQL ${r.source.server} at ${s.source} (read-only), schema dumped with ${r.pgDump.path} (${r.pgDump.version})`);
  row('scratch', `PostgreSQL ${r.scratch.server} (${s.scratch === 'embedded' ? 'embedded, throwaway' : s.scratch}), database ${r.scratch.database}, dropped afterwards`);
  if (r.scratch.major !== r.source.major) row('warning', c.yellow(`the scratch server is PostgreSQL ${r.scratch.major} and the source ${r.source.major}: locks and rewrites can differ between majors (give --scratch-url to a PostgreSQL ${r.source.major} server)`));
  for (const t of r.tables) row('table', `${t.name}: ${t.sourceRows.toLocaleString('en-US')} rows${t.sourceRowsEstimate ? ' (estimate)' : ''}, ${t.sourceSize} in the source; ${t.copiedRows.toLocaleString('en-US')} copied`);
  for (const m of r.missing) row('absent', `${m}: not in the source (created by the migration, or missing)`);
  for (const n of r.notes) row('note', n);
  lines.push('', renderTrace(r.trace, { file: s.file, where: 'scratch copy' }, c).trimEnd(), '');
  const e = r.execution;
  lines.push(c.bold(`Run through the executor: ${e.status === 'completed' ? 'completed' : c.red('failed')} in ${ms(e.ms)}`));
  for (const step of e.steps) {
    const planned = r.steps.find((p) => p.id === step.id);
    const where = planned ? ` (lines ${planned.lines[0]}-${planned.lines[1]}, ${planned.kind})` : '';
    const status = step.status === 'committed' ? step.status : c.red(step.status);
    lines.push(`  step ${step.id}${where}: ${status}${step.status === 'not-run' ? '' : `, ${ms(step.ms)}, ${step.attempts.length} ${step.attempts.length === 1 ? 'attempt' : 'attempts'}`}`);
  }
  if (e.error) lines.push(`  ${c.red('error')}: ${e.error.message}${e.error.statement ? ` (line ${e.error.statement.line})` : ''}`);
  return lines.join('\n') + '\n';
}
