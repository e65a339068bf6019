/**
 * renderHtmlReport(): the report model as one self-contained HTML page (inline style sheet and script, no fonts,
 * images or requests), readable in light and dark mode and on paper, usable with the keyboard alone.
 */
import type { LockMode } from '../../locks.js';
import { strongest } from '../../statement-locks.js';
import { blocksOf, formatMs, relationName } from '../lock-bars.js';
import type { FileReport, ReportModel, TableSize } from '../model.js';
import { html, trusted, type Html } from './escape.js';
import { renderFindings } from './findings.js';
import { plural } from './labels.js';
import { SCRIPT } from './script.js';
import { renderSteps } from './steps.js';
import { STYLE } from './style.js';
import { blocksClass, renderTimeline } from './timeline.js';

const COMMAND_LABEL: Record<ReportModel['command'], string> = {
  report: 'pgsafe report',
  check: 'pgsafe check',
  trace: 'pgsafe trace',
  rehearse: 'pgsafe rehearse',
  run: 'pgsafe run',
};

type Tone = 'ok' | 'warn' | 'bad';

function verdict(file: FileReport): { tone: Tone; text: string } {
  const errors = file.findings.filter((f) => f.severity === 'error').length;
  const warnings = file.findings.length - errors;
  if (file.outcome) {
    const tone: Tone = file.outcome.status === 'completed' ? 'ok' : file.outcome.status === 'interrupted' ? 'warn' : 'bad';
    return { tone, text: file.outcome.message };
  }
  const failed = file.timeline?.steps.find((s) => s.status === 'error' || s.status === 'failed');
  if (failed) return { tone: 'bad', text: `The ${file.timeline!.source === 'trace' ? 'trace' : 'run'} failed at step ${failed.id}: ${failed.error ?? 'see below'}` };
  if (file.planError) return { tone: 'bad', text: `It cannot run as written: line ${file.planError.line}: ${file.planError.message}` };
  if (errors) return { tone: 'bad', text: `${plural(errors, 'error-level finding')}${warnings ? ` and ${plural(warnings, 'warning')}` : ''}: pgsafe run refuses this migration as written. Each finding below has the safe recipe.` };
  if (warnings) return { tone: 'warn', text: `${plural(warnings, 'warning')}, no errors: safe to run with care; read the warnings below.` };
  return { tone: 'ok', text: 'No findings: nothing in this migration is known to hurt a large, busy table.' };
}

/** The strongest lock on a table with traffic, from the timeline (observed) or the plan (documented). */
function strongestLock(file: FileReport): { mode: LockMode; relation: string } | undefined {
  let best: { mode: LockMode; relation: string } | undefined;
  const consider = (mode: LockMode, relation: string) => {
    if (!best || (strongest(best.mode, mode) === mode && mode !== best.mode)) best = { mode, relation };
  };
  if (file.timeline) {
    for (const s of file.timeline.steps) for (const l of s.locks) if (!l.newRelation) for (const b of l.bars) consider(b.mode, l.relation);
  } else {
    for (const s of file.plan?.steps ?? []) for (const t of s.targets) if (!t.newTable) consider(t.mode, relationName(t.table.sql));
  }
  return best;
}

function tiles(file: FileReport): Html {
  const out: Html[] = [];
  const tile = (label: string, value: Html | string, sub: Html | string = '', tone = '') => out.push(html`<div class="tile${tone ? ` ${tone}` : ''}"><div class="t-label">${label}</div><div class="t-value">${value}</div><div class="t-sub">${sub}</div></div>`);
  const errors = file.findings.filter((f) => f.severity === 'error').length;
  tile('Findings', `${errors} / ${file.findings.length - errors}`, 'errors / warnings', errors ? 'bad' : file.findings.length ? 'warn' : 'ok');
  if (file.plan) {
    const tx = file.plan.steps.filter((s) => s.transactional).length;
    tile('Steps', String(file.plan.steps.length), `${plural(tx, 'transaction')}, ${file.plan.steps.length - tx} autocommit`);
  }
  const lock = strongestLock(file);
  if (lock) {
    const blocks = blocksOf(lock.mode);
    tile('Strongest lock', html`<span class="chip b-${blocksClass(blocks)}">${lock.mode}</span>`, html`on <code>${lock.relation}</code>: blocks ${blocks}`);
  }
  if (file.timeline) {
    let longest: { ms: number; relation: string; mode: LockMode; queued: boolean } | undefined;
    for (const s of file.timeline.steps) {
      for (const l of s.locks) {
        for (const b of l.bars) if (b.blocks !== 'nothing' && (!longest || b.end - b.start > longest.ms)) longest = { ms: b.end - b.start, relation: l.relation, mode: b.mode, queued: b.state === 'queued' };
      }
    }
    tile('Longest stall', longest ? formatMs(longest.ms) : 'none', longest ? html`${longest.mode} on <code>${longest.relation}</code>${longest.queued ? ' (queued)' : ''}` : 'no lock blocked reads or writes', longest ? 'warn' : 'ok');
    tile(file.timeline.source === 'run' ? 'Run time' : 'Statement time', formatMs(file.timeline.ms), file.timeline.source === 'run' ? 'wall clock' : 'traced, rolled back');
    if (file.timeline.source === 'run') {
      const retries = file.timeline.steps.reduce((n, s) => n + s.spans.filter((x) => x.kind === 'backoff').length, 0);
      const blockers = new Set(file.timeline.steps.flatMap((s) => s.blockers.map((b) => b.session.pid))).size;
      tile('Retries', String(retries), `${plural(blockers, 'blocking session')} seen`, retries ? 'warn' : '');
    } else {
      const rewrites = file.timeline.steps.reduce((n, s) => n + s.rewrites.length, 0);
      tile('Rewrites', String(rewrites), rewrites ? 'tables or indexes copied' : 'no table or index copied', rewrites ? 'warn' : '');
    }
  }
  return html`<div class="tiles">${out}</div>`;
}

function rowsText(t: TableSize): string {
  if (t.rows < 0) return 'unknown';
  return `${t.rowsEstimate ? '≈ ' : ''}${t.rows.toLocaleString('en-US')}`;
}

function tablesSection(file: FileReport, anchor: string): Html {
  if (!file.tables.length) return html``;
  const locks = new Map<string, LockMode>();
  for (const s of file.plan?.steps ?? []) for (const t of s.targets) {
    const name = relationName(t.table.sql);
    locks.set(name, locks.has(name) ? strongest(locks.get(name)!, t.mode) : t.mode);
  }
  return html`<section class="card" id="${anchor}-tables" aria-labelledby="${anchor}-tables-h">
<h2 id="${anchor}-tables-h">Tables <span class="count">${plural(file.tables.length, 'table')} it touches</span></h2>
<table class="grid"><thead><tr><th scope="col">Table</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Size</th><th scope="col" class="num">Indexes</th><th scope="col">Strongest lock this migration takes</th><th scope="col">Source</th></tr></thead>
<tbody>${file.tables.map((t) => {
    const mode = locks.get(relationName(t.name));
    return html`<tr><th scope="row"><code>${t.name}</code></th><td class="num">${rowsText(t)}</td><td class="num">${t.size}</td><td class="num">${t.indexes ?? ''}</td><td>${mode ? html`<span class="chip b-${blocksClass(blocksOf(mode))}">${mode}</span> blocks ${blocksOf(mode)}` : ''}</td><td class="muted">${t.source}</td></tr>`;
  })}</tbody></table>
</section>`;
}

function logSection(file: FileReport, anchor: string): Html {
  if (!file.log?.length) return html``;
  return html`<section class="card" id="${anchor}-log" aria-labelledby="${anchor}-log-h">
<details><summary><h2 id="${anchor}-log-h">Run log <span class="count">${plural(file.log.length, 'event')}</span></h2></summary>
<ol class="log">${file.log.map((l) => html`<li><span class="at">${formatMs(l.at)}</span> ${l.text}</li>`)}</ol></details>
</section>`;
}

function fileSection(file: FileReport, index: number, many: boolean): Html {
  const anchor = `f${index + 1}`;
  const v = verdict(file);
  const nav: [string, string][] = [];
  if (file.timeline) nav.push(['timeline', 'Timeline']);
  nav.push(['findings', `Findings (${file.findings.length})`]);
  if (file.plan || file.timeline) nav.push(['steps', 'Plan']);
  if (file.tables.length) nav.push(['tables', 'Tables']);
  if (file.log?.length) nav.push(['log', 'Run log']);
  return html`<section class="file" id="${anchor}" aria-labelledby="${anchor}-h">
${many ? html`<h2 class="file-h" id="${anchor}-h">${file.file}</h2>` : html`<span hidden id="${anchor}-h">${file.file}</span>`}
<div class="verdict ${v.tone}" role="status"><strong>${v.tone === 'ok' ? '✓' : v.tone === 'warn' ? '!' : '✕'}</strong> <span>${v.text}</span></div>
${tiles(file)}
${file.notes?.length ? html`<ul class="notes">${file.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<nav class="jump" aria-label="Sections of ${file.file}">${nav.map(([id, label]) => html`<a href="#${anchor}-${id}">${label}</a>`)}</nav>
${file.timeline ? renderTimeline(file.timeline, anchor) : ''}
${renderFindings(file.findings, anchor)}
${file.planError ? html`<section class="card" id="${anchor}-steps"><h2>Plan</h2><p class="error-line">${file.planError.file}:${file.planError.line ?? ''}:${file.planError.column ?? ''}: ${file.planError.message}</p></section>` : renderSteps(file, anchor)}
${tablesSection(file, anchor)}
${logSection(file, anchor)}
</section>`;
}

/** `7 errors, 5 warnings in 2 migrations; 1 could not be checked`. */
function totals(model: ReportModel): string {
  const findings = model.files.flatMap((f) => f.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const failed = model.errors.length ? `; ${model.errors.length} could not be checked` : '';
  return `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')} in ${plural(model.files.length, 'migration')}${failed}`;
}

export function renderHtmlReport(model: ReportModel): string {
  const many = model.files.length + model.errors.length > 1;
  const only = model.files[0];
  const title = many ? `${plural(model.files.length + model.errors.length, 'migration')}` : (only?.file ?? model.errors[0]?.file ?? 'migration');
  const when = model.generatedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  const shown = many ? model.files.filter((f) => f.findings.length || f.timeline || f.outcome || f.planError) : model.files;
  const clean = model.files.filter((f) => !shown.includes(f));
  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="pgsafe${model.pgsafeVersion ? ` ${model.pgsafeVersion}` : ''}">
<title>pgsafe report · ${title}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header class="top">
<p class="brand"><span class="logo" aria-hidden="true">▰</span> pgsafe <span class="muted">migration report</span></p>
<h1>${title}</h1>
<p class="meta"><span>${COMMAND_LABEL[model.command]}</span><span>${when}</span>${model.where.map((w) => html`<span>${w}</span>`)}</p>
</header>
<main id="main">
${many ? html`<nav class="card toc" aria-label="Migrations"><h2>Migrations <span class="count">${totals(model)}</span></h2><ul>${shown.map((f, i) => {
    const errors = f.findings.filter((x) => x.severity === 'error').length;
    return html`<li><a href="#f${i + 1}">${f.file}</a> <span class="count">${plural(errors, 'error')}, ${plural(f.findings.length - errors, 'warning')}</span></li>`;
  })}</ul>${clean.length ? html`<details><summary>${plural(clean.length, 'migration')} without findings</summary><ul class="clean">${clean.map((f) => html`<li>${f.file}</li>`)}</ul></details>` : ''}</nav>` : ''}
${model.errors.length ? html`<section class="card errors" aria-labelledby="errors-h"><h2 id="errors-h">Could not be checked</h2><ul>${model.errors.map((e) => html`<li><code>${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}</code>: ${e.message}</li>`)}</ul></section>` : ''}
${shown.map((f, i) => fileSection(f, i, many))}
</main>
<footer><p>Made by pgsafe${model.pgsafeVersion ? ` ${model.pgsafeVersion}` : ''} with <code>${COMMAND_LABEL[model.command]}</code>. Self-contained: this file loads nothing from the network.</p></footer>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return body.value;
}
