/** The plan's steps as cards, in execution order: a transaction commits its statements together, an autocommit step
 *  runs alone outside any transaction. With a timeline, each card also says what happened to the step. */
import { describeBlocker } from '../../execute/describe.js';
import { formatDuration } from '../../plan/duration.js';
import { strongest } from '../../statement-locks.js';
import { kindLabel } from '../../plan/format.js';
import type { Plan, Step } from '../../plan/types.js';
import { blocksOf, formatMs, relationName } from '../lock-bars.js';
import type { FileReport, ProgressSample, TimelineStep } from '../model.js';
import { html, type Html } from './escape.js';
import { plural, STATUS_LABEL } from './labels.js';
import { blocksClass } from './timeline.js';

function lockChips(step: Step | undefined, t: TimelineStep | undefined): Html {
  const fromTimeline = t?.locks.filter((l) => l.observed) ?? [];
  if (fromTimeline.length) {
    return html`<ul class="chips" aria-label="Locks observed">${fromTimeline.map((l) => {
      const mode = l.bars.map((b) => b.mode).at(-1)!;
      const blocks = l.newRelation ? 'nothing' : blocksOf(mode);
      return html`<li><span class="chip b-${l.newRelation ? 'new' : blocksClass(blocks)}">${mode}</span> on <code>${l.relation}</code>${l.relationKind === 'table' ? '' : ` (${l.relationKind})`}: ${l.newRelation ? 'created by this migration' : `blocks ${blocks}`}</li>`;
    })}</ul>`;
  }
  if (!step?.targets.length) return html`<p class="muted">Takes no table lock that the plan knows of.</p>`;
  return html`<ul class="chips" aria-label="Locks">${step.targets.map((target) => {
    const blocks = blocksOf(target.mode);
    return html`<li><span class="chip b-${target.newTable ? 'new' : blocksClass(blocks)}">${target.mode}</span> on <code>${relationName(target.table.sql)}</code>: ${target.newTable ? 'table created by this migration: no traffic yet' : `blocks ${blocks}`}</li>`;
  })}</ul>`;
}

function settings(step: Step): Html {
  const items: Html[] = [
    html`<li><span class="k">lock_timeout</span> ${formatDuration(step.lockTimeoutMs)}</li>`,
    html`<li><span class="k">statement_timeout</span> ${formatDuration(step.statementTimeoutMs)}${step.long ? ' (long step, blocks no reads or writes)' : ''}</li>`,
  ];
  if (step.retry.retries > 0) items.push(html`<li><span class="k">retries</span> up to ${step.retry.retries} within ${formatDuration(step.retry.budgetMs)}, after a lock timeout or deadlock</li>`);
  if (step.preflight) items.push(html`<li><span class="k">pre-flight</span> waits for sessions that would block its lock before each attempt</li>`);
  if (step.indexCleanup) items.push(html`<li><span class="k">cleanup</span> drops an INVALID index a failed build leaves before a retry</li>`);
  for (const s of step.statements) if (s.added) items.push(html`<li><span class="k">re-runnable</span> line ${s.start.line}: ${s.added} added</li>`);
  return html`<ul class="settings">${items}</ul>`;
}

/** Phases of the index build: when each was first and last seen, and how far it got. */
function progressTable(samples: ProgressSample[]): Html {
  const phases: ProgressSample[][] = [];
  for (const p of samples) {
    if (phases.at(-1)?.[0]!.phase !== p.phase) phases.push([]);
    phases.at(-1)!.push(p);
  }
  return html`<table class="grid"><caption>Index build progress (pg_stat_progress_create_index)</caption>
<thead><tr><th scope="col">Phase</th><th scope="col">Seen</th><th scope="col">Last sample</th></tr></thead>
<tbody>${phases.map((ph) => html`<tr><td>${ph[0]!.phase}</td><td class="num">${formatMs(ph[0]!.at)} – ${formatMs(ph.at(-1)!.at)}</td><td>${ph.at(-1)!.detail}</td></tr>`)}</tbody></table>`;
}

function happened(t: TimelineStep): Html {
  const spans = t.spans.filter((s) => s.kind !== 'statement');
  return html`${t.error ? html`<p class="error-line" role="note">${t.error}</p>` : ''}
${spans.length ? html`<table class="grid"><caption>What the executor did</caption>
<thead><tr><th scope="col">At</th><th scope="col">For</th><th scope="col">What</th></tr></thead>
<tbody>${spans.map((s) => html`<tr class="out-${s.outcome}"><td class="num">${formatMs(s.start)}</td><td class="num">${formatMs(s.end - s.start)}</td><td>${s.label}</td></tr>`)}</tbody></table>` : ''}
${t.blockers.length ? html`<table class="grid blockers"><caption>Blocking sessions seen</caption>
<thead><tr><th scope="col">Session</th><th scope="col">Seen</th><th scope="col">When</th><th scope="col">Query</th></tr></thead>
<tbody>${t.blockers.map((b) => html`<tr><td>${describeBlocker({ ...b.session, query: '' })}</td><td class="num">${formatMs(b.firstSeen)} – ${formatMs(b.lastSeen)}</td><td>${b.during.join(', ')}</td><td><code>${b.session.query}</code></td></tr>`)}</tbody></table>` : ''}
${t.progress.length ? progressTable(t.progress) : ''}
${t.rewrites.length ? html`<p><span class="k">rewrites</span> ${t.rewrites.map((r, i) => html`${i ? ', ' : ''}<code>${r.relation}</code> (${r.kind})`)}: PostgreSQL writes a new copy, for as long as the lock above is held</p>` : ''}
${t.notes.length ? html`<ul class="notes">${t.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}`;
}

function stepCard(anchor: string, total: number, step: Step | undefined, t: TimelineStep | undefined): Html {
  const id = step?.id ?? t!.id;
  const transactional = step?.transactional ?? t!.transactional;
  const [from, to] = step?.lines ?? t!.lines;
  const status = t ? html`<span class="status s-${t.status}">${STATUS_LABEL[t.status]}</span>${t.status === 'not-run' || t.status === 'skipped' ? '' : html` <span class="took">${formatMs(t.end - t.start)}</span>`}` : '';
  const sql = step?.sql ?? '';
  return html`<article class="step ${transactional ? 'tx' : 'auto'}" id="${anchor}-step-${id}" tabindex="-1" aria-labelledby="${anchor}-step-${id}-h">
<header><h3 id="${anchor}-step-${id}-h"><span class="num">Step ${id}${total ? ` of ${total}` : ''}</span> ${step ? kindLabel(step.kind) : t!.kind}</h3>
<span class="lines">${from === to ? `line ${from}` : `lines ${from}–${to}`}</span> ${status}</header>
<p class="boundary">${transactional ? 'BEGIN … COMMIT: its statements commit together or not at all; its locks are held until COMMIT.' : 'Autocommit: runs alone, outside any transaction (PostgreSQL requires it).'}</p>
<p class="desc">${step?.description ?? t!.description}</p>
${lockChips(step, t)}
${step ? settings(step) : ''}
${t ? happened(t) : ''}
${sql ? html`<details class="sql"${total <= 6 ? html` open` : ''}><summary>SQL the executor sends</summary><pre class="code"><code>${sql}</code></pre></details>` : ''}
</article>`;
}

/** The steps in order, one small box each: how it runs and the strongest lock it takes on a table with traffic. */
function flow(plan: Plan, anchor: string): Html {
  return html`<ol class="flow" aria-label="Steps in order">${plan.steps.map((step) => {
    const traffic = step.targets.filter((t) => !t.newTable);
    const top = traffic.reduce<(typeof traffic)[number] | undefined>((a, t) => (!a || (t.mode !== a.mode && strongest(a.mode, t.mode) === t.mode) ? t : a), undefined);
    const more = traffic.length > 1 ? ` +${traffic.length - 1}` : '';
    const blocks = top ? blocksOf(top.mode) : 'nothing';
    return html`<li class="${step.transactional ? 'tx' : 'auto'} b-edge-${blocksClass(blocks)}"><a href="#${anchor}-step-${step.id}"><span class="flow-head"><b>${step.id}</b> ${step.transactional ? 'transaction' : 'autocommit'}</span><span class="flow-lock">${top ? html`<span class="chip b-${blocksClass(blocks)}">${top.mode}</span> <code>${relationName(top.table.sql)}</code>${more}` : 'no lock on a table in use'}</span></a></li>`;
  })}</ol>`;
}

export function renderSteps(file: FileReport, anchor: string): Html {
  const plan: Plan | undefined = file.plan;
  const timeline = new Map((file.timeline?.steps ?? []).map((s) => [s.id, s]));
  if (!plan && !file.timeline) return html``;
  const cards = plan ? plan.steps.map((s) => stepCard(anchor, plan.steps.length, s, timeline.get(s.id))) : file.timeline!.steps.map((t) => stepCard(anchor, 0, undefined, t));
  const tx = plan?.steps.filter((s) => s.transactional).length ?? 0;
  const heading = plan ? `${plural(plan.steps.length, 'step')}: ${plural(tx, 'transaction')}, ${plan.steps.length - tx} autocommit` : `${plural(file.timeline!.steps.length, 'statement')} (no plan)`;
  return html`<section class="card" id="${anchor}-steps" aria-labelledby="${anchor}-steps-h">
<h2 id="${anchor}-steps-h">Plan <span class="count">${heading}</span></h2>
${plan ? html`<p class="muted">PostgreSQL ${plan.options.pgVersion}; lock-timeout retries: ${plan.options.retries} within ${formatDuration(plan.options.retryBudgetMs)} per step.</p>` : ''}
${plan?.notes.length ? html`<ul class="notes">${plan.notes.map((n) => html`<li>line ${n.line}: ${n.message}</li>`)}</ul>` : ''}
${plan ? flow(plan, anchor) : ''}
<div class="steps">${cards}</div>
</section>`;
}
