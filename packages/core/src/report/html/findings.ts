/** Findings as cards: what is wrong, where (the statement with the offending line marked), the lock, why, and the
 *  safe recipe with the migration's own names. */
import type { Finding } from '../../finding.js';
import { html, type Html } from './escape.js';
import { blocksClass } from './timeline.js';
import { blocksOf } from '../lock-bars.js';
import { plural } from './labels.js';

/** At most 8 lines of the statement around the line the finding points at, with the caret under its column. */
function excerpt(f: Finding): Html {
  const lines = f.statement.text.split('\n');
  const first = f.statement.start.line;
  const at = Math.min(Math.max(f.start.line, first), first + lines.length - 1);
  const from = Math.max(first, Math.min(at - 3, first + lines.length - 8));
  const to = Math.min(first + lines.length - 1, from + 7);
  const rows: Html[] = [];
  for (let line = from; line <= to; line++) {
    // The statement's first line starts at its own column: pad it so columns line up with the file.
    const pad = line === first ? ' '.repeat(Math.max(0, f.statement.start.column - 1)) : '';
    const text = pad + (lines[line - first] ?? '').replace(/\r$/, '');
    rows.push(html`<span class="ln${line === f.start.line ? ' hit' : ''}" data-line="${line}">${text || ' '}</span>`);
    if (line === f.start.line) rows.push(html`<span class="ln caret" data-line="" aria-hidden="true">${' '.repeat(Math.max(0, f.start.column - 1))}^</span>`);
  }
  return html`<pre class="code excerpt" aria-label="${f.file} lines ${from} to ${to}"><code>${rows}</code></pre>`;
}

function findingCard(f: Finding, anchor: string, i: number): Html {
  const lock = f.lock;
  return html`<article class="finding sev-${f.severity}" id="${anchor}-finding-${i + 1}" aria-labelledby="${anchor}-finding-${i + 1}-h">
<header><span class="badge ${f.severity}">${f.severity}</span> <code class="rule">${f.rule}</code> <span class="loc">${f.file}:${f.start.line}:${f.start.column}</span></header>
<h3 id="${anchor}-finding-${i + 1}-h">${f.message}</h3>
${excerpt(f)}
<dl class="facts">
${lock ? html`<dt>Lock</dt><dd><span class="chip b-${blocksClass(blocksOf(lock.mode))}">${lock.mode}</span> on <code>${lock.table}</code>: blocks ${lock.blocks}; held for ${lock.heldFor}</dd>` : ''}
${(f.live ?? []).map((fact) => html`<dt>Live</dt><dd class="${fact.fails ? 'fails' : ''}">${fact.text}</dd>`)}
<dt>Why</dt><dd>${f.why}</dd>
<dt>Safe recipe</dt><dd>${f.recipe.summary}</dd>
</dl>
<pre class="code recipe" aria-label="Safe recipe SQL"><code>${f.recipe.sql}</code></pre>
${f.recipe.versions ? html`<p class="versions"><span class="muted">Versions:</span> ${f.recipe.versions}</p>` : ''}
</article>`;
}

export function renderFindings(findings: Finding[], anchor: string): Html {
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? a.start.line - b.start.line || a.start.column - b.start.column : a.severity === 'error' ? -1 : 1));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const body = sorted.length
    ? sorted.map((f, i) => findingCard(f, anchor, i))
    : html`<p class="empty">No findings: nothing in this migration is known to hurt a large, busy table.</p>`;
  return html`<section class="card" id="${anchor}-findings" aria-labelledby="${anchor}-findings-h">
<h2 id="${anchor}-findings-h">Findings <span class="count">${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}</span></h2>
${body}
</section>`;
}
