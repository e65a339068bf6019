/** The timeline: per step a row of its attempts (or statements), then a lane per locked relation, the sessions that
 *  blocked it and the index build's progress; time runs left to right on one scale for the whole migration. */
import { formatMs } from '../lock-bars.js';
import type { LockLane, ProgressSample, SeenBlocker, Span, Timeline, TimelineStep } from '../model.js';
import { html, pct, type Html } from './escape.js';
import { STATUS_LABEL } from './labels.js';

/** 1, 2 or 5 times a power of ten: at most about `count` ticks over `ms`. */
export function ticks(ms: number, count = 8): number[] {
  if (!(ms > 0)) return [0];
  const raw = ms / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t <= ms + step * 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

/** `0`, `500 ms`, `1.5 s`, `2 min`. */
function tickLabel(t: number): string {
  if (t === 0) return '0';
  if (t < 1000) return `${Math.round(t * 100) / 100} ms`;
  if (t < 120_000 || t % 60_000) return `${Math.round(t / 10) / 100} s`;
  return `${t / 60_000} min`;
}

interface Scale {
  x(t: number): string;
  w(from: number, to: number): string;
  /** The tooltip opens to the left of items in the right part of the track. */
  side(t: number): string;
}

function scaleOf(ms: number): Scale {
  const span = ms > 0 ? ms : 1;
  return {
    x: (t) => pct((t / span) * 100),
    w: (from, to) => pct(((to - from) / span) * 100),
    side: (t) => (t / span > 0.6 ? ' tip-left' : ''),
  };
}

const SPAN_CLASS: Record<Span['kind'], string> = { preflight: 'sp-preflight', attempt: 'sp-attempt', backoff: 'sp-backoff', statement: 'sp-statement' };

function spanItem(span: Span, s: Scale, href: string): Html {
  return html`<a class="item span ${SPAN_CLASS[span.kind]} out-${span.outcome}${s.side(span.start)}" href="${href}" style="left:${s.x(span.start)};width:${s.w(span.start, span.end)}" aria-label="${span.label}" data-nav data-span="${span.kind}"><span class="tip" aria-hidden="true">${span.label}</span></a>`;
}

function lockLane(lane: LockLane, s: Scale, href: string): Html {
  const mode = [...new Set(lane.bars.map((b) => b.mode))].join(' → ');
  const kind = /table/.test(lane.relationKind) ? '' : ` (${lane.relationKind})`;
  return html`<div class="tl-row tl-lock${lane.newRelation ? ' is-new' : ''}" data-lock-lane>
<div class="tl-label"><span class="rel" title="${lane.relation}${kind}">${lane.relation}${kind}</span> <span class="mode">${mode}${lane.observed ? '' : html` <abbr title="from PostgreSQL's documentation of the statement, not observed in pg_locks">doc</abbr>`}</span></div>
<div class="tl-track">${lane.bars.map(
    (b) =>
      html`<a class="item bar b-${blocksClass(b.blocks)} st-${b.state}${s.side(b.start)}" href="${href}" style="left:${s.x(b.start)};width:${s.w(b.start, b.end)}" aria-label="${b.label}" data-nav data-lock-bar data-mode="${b.mode}"><span class="bar-text" aria-hidden="true">${b.mode} · ${formatMs(b.end - b.start)}</span><span class="tip" aria-hidden="true">${b.label}</span></a>`,
  )}</div>
</div>`;
}

export function blocksClass(blocks: string): string {
  return blocks === 'reads and writes' ? 'rw' : blocks === 'writes' ? 'w' : 'none';
}

function blockerLane(b: SeenBlocker, s: Scale, href: string): Html {
  const who = `pid ${b.session.pid}${b.session.applicationName ? ` (${b.session.applicationName})` : ''}`;
  const label = `${who} blocked this step (${b.during.join(', ')}), seen from ${formatMs(b.firstSeen)} to ${formatMs(b.lastSeen)}: ${b.session.state ?? 'state unknown'}${b.session.query ? `: ${b.session.query}` : ''}`;
  return html`<div class="tl-row tl-blocker">
<div class="tl-label"><span class="who">blocked by ${who}</span></div>
<div class="tl-track"><a class="item blk${s.side(b.firstSeen)}" href="${href}" style="left:${s.x(b.firstSeen)};width:${s.w(b.firstSeen, b.lastSeen)}" aria-label="${label}" data-nav data-blocker><span class="tip" aria-hidden="true">${label}</span></a></div>
</div>`;
}

/** Index-build progress: one segment per phase, from its first sample to the next phase's (or the step's end), each
 *  filled with how far the phase got over time. */
function progressLane(samples: ProgressSample[], stepEnd: number, s: Scale, href: string): Html {
  const phases: ProgressSample[][] = [];
  for (const p of samples) {
    if (phases.at(-1)?.[0]!.phase !== p.phase) phases.push([]);
    phases.at(-1)!.push(p);
  }
  const segments = phases.map((points, i) => {
    const from = points[0]!.at;
    const to = Math.max(phases[i + 1]?.[0]!.at ?? stepEnd, points.at(-1)!.at, from);
    const span = to - from || 1;
    const area = `0,24 ${points.map((p) => `${Math.round(((p.at - from) / span) * 1000)},${Math.round((1 - (p.fraction ?? 0)) * 24 * 10) / 10}`).join(' ')} ${Math.round(((points.at(-1)!.at - from) / span) * 1000)},24`;
    const label = `${points[0]!.phase}: ${formatMs(from)} – ${formatMs(to)}; last sample ${points.at(-1)!.detail}`;
    return html`<a class="item phase ph-${i % 4}${s.side(from)}" href="${href}" style="left:${s.x(from)};width:${s.w(from, to)}" aria-label="${label}" data-nav data-phase><svg viewBox="0 0 1000 24" preserveAspectRatio="none" aria-hidden="true" focusable="false"><polygon points="${area}"/></svg><span class="bar-text" aria-hidden="true">${points[0]!.phase}</span><span class="tip" aria-hidden="true">${label}</span></a>`;
  });
  return html`<div class="tl-row tl-progress">
<div class="tl-label"><span class="who">index build</span> <span class="mode">${phases.length} phase${phases.length === 1 ? '' : 's'}</span></div>
<div class="tl-track">${segments}</div>
</div>`;
}

/** Lanes worth a row: tables, and indexes or sequences whose lock stalls traffic (dropping or rebuilding an index
 *  blocks the queries that plan with it). The others are listed in the step's card. */
export function shownLanes(step: TimelineStep): LockLane[] {
  return step.locks.filter((l) => /table|view/.test(l.relationKind) || (!l.newRelation && l.bars.some((b) => b.blocks !== 'nothing')));
}

function stepGroup(step: TimelineStep, s: Scale, anchor: string): Html {
  const href = `#${anchor}-step-${step.id}`;
  const lanes = shownLanes(step);
  const hidden = step.locks.length - lanes.length;
  const took = step.status === 'not-run' || step.status === 'skipped' ? '' : formatMs(step.end - step.start);
  return html`<div class="tl-group st-${step.status}" role="group" aria-label="Step ${step.id}: ${STATUS_LABEL[step.status]}" data-step="${step.id}">
<div class="tl-row tl-step">
<div class="tl-label"><a class="step-link" href="${href}"><span class="num">${step.id}</span> <span class="desc" title="${step.description}">${step.description}</span></a>
<span class="tags"><span class="tag ${step.transactional ? 'tx' : 'auto'}">${step.transactional ? 'transaction' : 'autocommit'}</span> <span class="status s-${step.status}">${STATUS_LABEL[step.status]}</span>${took ? html` <span class="took">${took}</span>` : ''}</span></div>
<div class="tl-track">${step.spans.map((span) => spanItem(span, s, href))}${step.status === 'not-run' ? html`<span class="not-run" style="left:${s.x(step.start)}">not run</span>` : ''}</div>
</div>
${lanes.map((l) => lockLane(l, s, href))}
${hidden ? html`<div class="tl-row tl-more"><div class="tl-label"><a href="${href}">+ ${hidden} lock${hidden === 1 ? '' : 's'} on indexes and sequences that block nothing</a></div><div></div></div>` : ''}
${step.blockers.map((b) => blockerLane(b, s, href))}
${step.progress.length ? progressLane(step.progress, step.end, s, href) : ''}
</div>`;
}

const LEGEND = html`<ul class="legend" aria-label="Legend">
<li><span class="sw b-rw"></span>lock blocks reads and writes</li>
<li><span class="sw b-w"></span>blocks writes</li>
<li><span class="sw b-none"></span>blocks no reads or writes</li>
<li><span class="sw b-rw st-queued"></span>waiting in the lock queue (stalls the same traffic)</li>
<li><span class="sw is-new-sw"></span>relation created by this migration</li>
<li><span class="sw sp-attempt"></span>attempt</li>
<li><span class="sw sp-attempt out-failed"></span>attempt rolled back</li>
<li><span class="sw sp-backoff"></span>back-off</li>
<li><span class="sw sp-preflight"></span>pre-flight wait</li>
<li><span class="sw blk"></span>blocking session</li>
</ul>`;

export function renderTimeline(t: Timeline, anchor: string): Html {
  const s = scaleOf(t.ms);
  const marks = ticks(t.ms);
  const bars = t.steps.reduce((n, st) => n + shownLanes(st).reduce((m, l) => m + l.bars.length, 0), 0);
  const title = t.source === 'run' ? 'Lock timeline of the run' : 'Lock timeline of the trace';
  return html`<section class="card timeline" id="${anchor}-timeline" aria-labelledby="${anchor}-timeline-h">
<h2 id="${anchor}-timeline-h">${title}</h2>
<p class="clock">${t.clock}. Total ${formatMs(t.ms)}.</p>
${LEGEND}
<div class="tl" role="group" aria-label="${title}: ${t.steps.length} steps, ${bars} lock bars. Arrow keys move between items, Enter opens the step." aria-describedby="${anchor}-timeline-help" data-timeline data-steps="${t.steps.length}" data-lock-bars="${bars}">
<p class="sr-only" id="${anchor}-timeline-help">Use the arrow keys to move between bars: left and right along a row, up and down between rows; Home and End jump to the first and last. Enter opens the step's details.</p>
<div class="tl-row tl-axis" aria-hidden="true"><div class="tl-label"></div><div class="tl-track">${marks.map((m) => html`<span class="tick${m / (t.ms || 1) > 0.96 ? ' end' : ''}" style="left:${s.x(m)}">${tickLabel(m)}</span>`)}</div></div>
<div class="tl-grid" aria-hidden="true">${marks.map((m) => html`<i style="left:${s.x(m)}"></i>`)}</div>
${t.steps.map((st) => stepGroup(st, s, anchor))}
</div>
</section>`;
}
