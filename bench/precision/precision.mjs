// How often each rule is right: `pgsafe check` on real public migration histories, a seeded random sample of the
// findings of each rule, and the committed judgements of a DBA's reading of them (bench/precision/judgements.tsv).
// Usage: node bench/precision/precision.mjs [--real /work/real] [--project name=dir] [--only a,b] [--per-rule 20]
//        [--seed s] [--pending] [--show rule,...] [--squawk] [--prune] [--write-figures]   (see bench/README.md, "precision")
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { checkProject, squawkProject } from './collect.mjs';
import { drawSample, fingerprint, matchJudgement, place, readJudgements, writeJudgements } from './judgements.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const JUDGEMENTS = join(here, 'judgements.tsv');
/** A rule at error level must be right this often on the sample; a warning this often. */
const TARGET = { error: 0.9, warning: 0.75 };

function options() {
  const { values } = parseArgs({
    options: {
      real: { type: 'string', default: process.env.PGSAFE_REAL ?? '/work/real' },
      project: { type: 'string', multiple: true, default: [] },
      only: { type: 'string' },
      'per-rule': { type: 'string', default: '20' },
      seed: { type: 'string', default: 'pgsafe-precision-1' },
      pending: { type: 'boolean' },
      show: { type: 'string' },
      squawk: { type: 'boolean' },
      prune: { type: 'boolean' },
      'write-figures': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 4).join('\n').replace(/^\/\/ ?/gm, ''));
    process.exit(0);
  }
  const perRule = Number(values['per-rule']);
  if (!Number.isInteger(perRule) || perRule < 1) throw new Error('--per-rule takes a positive integer');
  const dirs = Object.fromEntries(values.project.map((p) => p.split('=')).map(([name, dir]) => [name, dir]));
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  return { ...values, perRule, dirs, only };
}

const pct = (x) => (x === undefined ? '-' : `${(100 * x).toFixed(0)}%`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function main() {
  const opts = options();
  const { projects: all } = JSON.parse(readFileSync(join(here, 'projects.json'), 'utf8'));
  const projects = all.filter((p) => !opts.only || opts.only.has(p.name));
  const judgements = readJudgements(JUDGEMENTS);
  const byPlace = new Map();
  for (const row of judgements) {
    const key = place(row);
    if (!byPlace.has(key)) byPlace.set(key, []);
    byPlace.get(key).push(row);
  }

  const findings = [];
  const perProject = [];
  const squawk = new Map();
  for (const project of projects) {
    const dir = opts.dirs[project.name] ?? join(opts.real, project.name);
    const started = Date.now();
    const { findings: found, errors, files } = checkProject(project, dir);
    for (const f of found) findings.push({ ...f, line: f.start.line, fingerprint: fingerprint(f), source: `${project.repo}@${project.commit}` });
    perProject.push({ name: project.name, runner: project.runner, files, findings: found.length, unparsed: errors.length, ms: Date.now() - started });
    if (opts.squawk) squawk.set(project.name, squawkProject(project, dir));
    process.stderr.write(`${project.name}: ${files} files, ${found.length} findings${errors.length ? `, ${errors.length} files not checked` : ''}\n`);
  }

  // Buckets: a rule at one severity (a rule may downgrade some of its findings).
  const buckets = new Map();
  for (const f of findings) {
    const key = `${f.rule}\t${f.severity}`;
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key).push(f);
  }
  const rows = [];
  const todo = [];
  const sampledPlaces = new Set();
  const shown = [];
  const show = new Set(opts.show?.split(',') ?? []);
  for (const [key, list] of [...buckets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [rule, severity] = key.split('\t');
    const sample = drawSample(list, opts.perRule, opts.seed);
    const count = { true: 0, false: 0, debatable: 0, pending: 0, changed: 0, squawk: 0, squawkKnown: 0 };
    for (const f of sample) {
      sampledPlaces.add(`${place(f)}\t${f.fingerprint}`);
      const { status, row } = matchJudgement(f, byPlace);
      if (show.has(rule)) shown.push({ f, row: status === 'judged' ? row : undefined });
      if (status === 'judged') count[row.judgement]++;
      else {
        count[status]++;
        todo.push({ f, status, previous: row });
      }
      const sq = squawk.get(f.project)?.get(f.path);
      if (sq) {
        count.squawkKnown++;
        if (sq.some((s) => s.rule === f.rule && s.from <= f.statement.end.line && s.to >= f.statement.start.line)) count.squawk++;
      } else if (squawk.get(f.project)) count.squawkKnown++;
    }
    const judged = count.true + count.false + count.debatable;
    const precision = judged ? count.true / judged : undefined;
    const decided = count.true + count.false;
    rows.push({ rule, severity, findings: list.length, sampled: sample.length, ...count, judged, precision, withoutDebatable: decided ? count.true / decided : undefined, target: TARGET[severity] });
  }

  // Judgements of the projects checked in this run that the sample no longer holds.
  const checked = new Set(projects.map((p) => p.name));
  const gone = judgements.filter((j) => checked.has(j.project) && !sampledPlaces.has(`${place(j)}\t${j.fingerprint}`));
  report(opts, perProject, findings, rows, todo, gone);
  if (opts.pending) listTodo(todo);
  if (shown.length) listSample(shown);
  if (opts.prune && gone.length) {
    const goneSet = new Set(gone);
    writeJudgements(JUDGEMENTS, judgements.filter((j) => !goneSet.has(j)));
    console.log(`\npruned ${gone.length} judgements no longer in the sample from ${JUDGEMENTS}`);
  }
  const missed = rows.filter((r) => r.precision !== undefined && r.precision < r.target);
  writeResults(opts, perProject, findings, rows, todo, gone);
  if (opts['write-figures']) writeFigures(opts, perProject, rows);
  process.exitCode = missed.length || todo.length ? 1 : 0;
}

function report(opts, perProject, findings, rows, todo, gone) {
  const files = perProject.reduce((s, p) => s + p.files, 0);
  console.log(`pgsafe check on ${perProject.length} projects: ${files} migration files, ${findings.length} findings (pgsafe at ${gitCommit()}).`);
  if (opts.only) console.log('Only some projects (--only): the sample differs from a full run; compare precision with full runs only.');
  console.log(`Sample: up to ${opts.perRule} findings per rule and severity, seed "${opts.seed}". Precision = true / judged (debatable counts as not true).\n`);
  const head = [pad('rule', 45), pad('severity', 8), lpad('findings', 8), lpad('sample', 6), lpad('true', 5), lpad('false', 5), lpad('debat.', 6), lpad('to judge', 8), lpad('precision', 9), lpad('w/o deb.', 8), lpad('target', 6), '', ...(opts.squawk ? [lpad('squawk too', 10)] : [])];
  console.log(head.join(' '));
  for (const r of rows) {
    const status = r.precision === undefined ? '' : r.precision >= r.target ? 'ok' : 'BELOW';
    console.log(
      [pad(r.rule, 45), pad(r.severity, 8), lpad(r.findings, 8), lpad(r.sampled, 6), lpad(r.true, 5), lpad(r.false, 5), lpad(r.debatable, 6), lpad(r.pending + r.changed, 8), lpad(pct(r.precision), 9), lpad(pct(r.withoutDebatable), 8), lpad(pct(r.target), 6), pad(status, 5), ...(opts.squawk ? [lpad(r.squawkKnown ? `${r.squawk}/${r.squawkKnown}` : '-', 10)] : [])].join(' '),
    );
  }
  const t = rows.reduce((s, r) => s + r.true, 0);
  const fa = rows.reduce((s, r) => s + r.false, 0);
  const d = rows.reduce((s, r) => s + r.debatable, 0);
  const judgedRows = rows.filter((r) => r.precision !== undefined);
  const weighted = judgedRows.reduce((s, r) => s + r.precision * r.findings, 0) / Math.max(1, judgedRows.reduce((s, r) => s + r.findings, 0));
  console.log(`\noverall, the sample: ${t} true, ${fa} false, ${d} debatable of ${t + fa + d} judged: precision ${pct(t / Math.max(1, t + fa + d))} (without debatable ${pct(t / Math.max(1, t + fa))})`);
  console.log(`overall, every finding (each rule's precision weighted by its number of findings): ${pct(weighted)}`);
  for (const sev of ['error', 'warning']) {
    const below = rows.filter((r) => r.severity === sev && r.precision !== undefined && r.precision < r.target);
    console.log(`${sev} rules below ${pct(TARGET[sev])}: ${below.length ? below.map((r) => `${r.rule} ${pct(r.precision)}`).join(', ') : 'none'}`);
  }
  const changed = todo.filter((x) => x.status === 'changed').length;
  console.log(`to judge: ${todo.length - changed} new in the sample, ${changed} whose rule output changed since judged${todo.length ? ' (list them with --pending)' : ''}`);
  if (gone.length) {
    const by = (v) => gone.filter((g) => g.judgement === v).length;
    console.log(`judged findings no longer in the sample (the rule stopped reporting them, or said something else): ${gone.length} (${by('true')} judged true, ${by('false')} false, ${by('debatable')} debatable); --prune drops them`);
  }
}

/** The sampled findings still to judge, with the statement, and a row to fill in judgements.tsv. */
function listTodo(todo) {
  for (const { f, status, previous } of todo) {
    console.log(`\n=== ${status}: ${f.project} ${f.path}:${f.line} ${f.rule} (${f.severity})`);
    if (previous) console.log(`previously judged ${previous.judgement}: ${previous.reason}`);
    console.log(`message: ${f.message}`);
    const lines = f.statement.text.split('\n');
    console.log(lines.slice(0, 12).map((l) => `  | ${l}`).join('\n') + (lines.length > 12 ? `\n  | ... (${lines.length - 12} more lines)` : ''));
    console.log(`row: ${[f.project, f.source, f.path, f.line, f.rule, f.fingerprint, '?', ''].join('\t')}`);
  }
}

/** The sampled findings of the rules asked for (`--show`), with their judgements: what to look at before changing one. */
function listSample(shown) {
  for (const { f, row } of shown) {
    console.log(`\n--- ${row ? row.judgement : 'unjudged'}: ${f.project} ${f.path}:${f.line} ${f.rule} (${f.severity})${row ? `: ${row.reason}` : ''}`);
    console.log(`message: ${f.message}`);
  }
}

function writeResults(opts, perProject, findings, rows, todo, gone) {
  const dir = join(root, 'bench/.results');
  mkdirSync(dir, { recursive: true });
  const out = { commit: gitCommit(), date: new Date().toISOString(), seed: opts.seed, perRule: opts.perRule, projects: perProject, findings: findings.length, rules: rows, gone: gone.length,
    toJudge: todo.map(({ f, status, previous }) => ({ status, previous, project: f.project, source: f.source, path: f.path, file: f.absFile, line: f.line, rule: f.rule, severity: f.severity, fingerprint: f.fingerprint, message: f.message, statement: f.statement })) };
  writeFileSync(join(dir, 'precision.json'), JSON.stringify(out, null, 2));
}

/** The per-rule figures the rule pages and the rules index show (`pnpm docs:rules`): a module of core, generated. */
function writeFigures(opts, perProject, rows) {
  if (opts.only || opts.project.length) throw new Error('--write-figures needs a full run (no --only, no --project)');
  const file = join(root, 'packages/core/src/rule-docs/precision-figures.ts');
  const figures = {};
  for (const r of rows) (figures[r.rule] ??= []).push({ severity: r.severity, findings: r.findings, sampled: r.sampled, true: r.true, false: r.false, debatable: r.debatable });
  const run = { date: new Date().toISOString().slice(0, 10), projects: perProject.length, files: perProject.reduce((s, p) => s + p.files, 0), perRule: opts.perRule };
  writeFileSync(file, [
    '// Generated by `node bench/precision/precision.mjs --write-figures` (bench/README.md, "precision"): how often each',
    '// rule was right on a seeded sample of its findings on real public migration histories. Do not edit by hand.',
    "import type { Severity } from '../finding.js';",
    '',
    'export interface PrecisionFigure {',
    '  severity: Severity;',
    '  /** Findings on every project; the sample drawn from them; the verdicts on the sample. */',
    '  findings: number;',
    '  sampled: number;',
    '  true: number;',
    '  false: number;',
    '  debatable: number;',
    '}',
    '',
    `export const PRECISION_RUN = ${JSON.stringify(run)} as const;`,
    '',
    `export const PRECISION: Record<string, PrecisionFigure[]> = ${JSON.stringify(figures, null, 2)};`,
    '',
  ].join('\n'));
  console.log(`\nwrote ${file}`);
}

function gitCommit() {
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim();
  return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'packages') ? ' + uncommitted changes' : ''}`;
}

main();
