// How fast `pgsafe check` goes through a large migration folder, whole process, next to squawk on the same files.
// Usage: node bench/check-throughput.mjs [--files 5000] [--runs 5]   (from anywhere; paths are relative to the repo)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCorpus } from './lib/corpus.mjs';
import { measureAll, rssMethod } from './lib/measure.mjs';

const TARGET_WALL_MS = 2000;
const TARGET_RATIO = 2;
const ONE_FILE = 'examples/migrations/001_add_country_and_orders_constraints.sql';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function options() {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '5000' }, runs: { type: 'string', default: '5' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('usage: node bench/check-throughput.mjs [--files 5000] [--runs 5]   (see bench/README.md)');
    process.exit(0);
  }
  const files = Number(values.files);
  const runs = Number(values.runs);
  if (!Number.isInteger(files) || files < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--files and --runs take positive integers');
  return { files, runs };
}

/** The three commands, run from the repository root on the same directory (or one file). Both tools write JSON
 *  reports, so both pay for serializing their findings. squawk takes no directory, only files and globs; it expands
 *  the quoted glob itself (one process, no argument-list limit), the usual way to point squawk at a migration folder. */
function tools(corpusDir, file) {
  const pgsafeBin = join(root, 'packages/cli/dist/bin.js');
  if (!existsSync(pgsafeBin)) throw new Error(`${relative(process.cwd(), pgsafeBin)} is missing: build first (pnpm --filter pgsafe build)`);
  const require = createRequire(join(here, 'package.json'));
  const squawkPkg = dirname(require.resolve('squawk-cli/package.json'));
  // The native binary inside squawk-cli's platform package: squawk without its node wrapper.
  const nativeDir = dirname(createRequire(join(squawkPkg, 'package.json')).resolve(`@squawk-cli/${process.platform}-${process.arch}/package.json`));
  const dir = file ?? relative(root, corpusDir);
  const squawkArgs = [file ?? `${dir}/**/*.sql`, '--reporter', 'json'];
  return [
    { name: 'pgsafe check', cmd: process.execPath, args: [relative(root, pgsafeBin), 'check', dir, '--format', 'json'], cwd: root, count: countPgsafe },
    { name: 'squawk (npm squawk-cli)', cmd: join(here, 'node_modules/.bin/squawk'), args: squawkArgs, cwd: root, count: countSquawk },
    { name: 'squawk (native binary)', cmd: join(nativeDir, 'bin/squawk'), args: squawkArgs, cwd: root, count: countSquawk },
  ];
}

/** Findings in pgsafe's JSON report, checking it covered the whole corpus and parsed every file. */
function countPgsafe(report, corpus) {
  const statements = report.files.reduce((s, f) => s + f.statements, 0);
  if (report.files.length !== corpus.files) throw new Error(`pgsafe checked ${report.files.length} files, the corpus has ${corpus.files}`);
  if (report.errors.length > 0) throw new Error(`pgsafe could not check ${report.errors.length} files, first: ${JSON.stringify(report.errors[0])}`);
  const notes = statements === corpus.statements ? [] : [`pgsafe counted ${statements} statements, the generator ${corpus.statements}`];
  return { findings: report.findings.length, notes };
}

/** Findings in squawk's JSON report (an array); its syntax errors are findings too, so they are counted apart. */
function countSquawk(report) {
  const syntax = report.filter((f) => f.rule_name === 'syntax-error');
  const files = new Set(syntax.map((f) => f.file)).size;
  return { findings: report.length, notes: syntax.length ? [`${syntax.length} syntax-error findings in ${files} files (${syntax[0].message}: ${firstLine(syntax[0])})`] : [] };
}

const firstLine = (f) => readFileSync(join(root, f.file), 'utf8').split('\n')[f.line]?.trim();

/** squawk does not report how many files it read; its --verbose log names each one. */
function squawkFileCount(tool) {
  const r = spawnSync(tool.cmd, [...tool.args, '--verbose'], { cwd: tool.cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 << 20 });
  return (r.stderr.match(/checking file path: /g) ?? []).length;
}

/** Which pgsafe was measured: the commit, and whether packages/ had uncommitted changes. */
function gitState() {
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim();
  return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedChanges: Boolean(git('status', '--porcelain', '--', 'packages')) };
}

const fmtMs = (ms) => `${Math.round(ms)} ms`;
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

function printTable(rows, corpus) {
  const head = ['tool', 'wall median (min-max)', 'cpu', 'statements/s', 'peak RSS', 'output', 'findings', 'pgsafe/tool'];
  const pgsafe = rows[0];
  const cells = rows.map((r) => [
    r.tool,
    `${fmtMs(r.wallMs.median)} (${Math.round(r.wallMs.min)}-${Math.round(r.wallMs.max)})`,
    Number.isNaN(r.cpuMs) ? 'n/a' : fmtMs(r.cpuMs),
    fmtInt(corpus.statements / (r.wallMs.median / 1000)),
    Number.isNaN(r.peakRssMb) ? 'n/a' : `${Math.round(r.peakRssMb)} MB`,
    `${r.outputMb.toFixed(1)} MB`,
    fmtInt(r.findings),
    r === pgsafe ? '' : `${(pgsafe.wallMs.median / r.wallMs.median).toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)) + 2);
  for (const line of [head, ...cells]) console.log(line.map((c, i) => c.padEnd(widths[i])).join('').trimEnd());
}

function main() {
  const { files, runs } = options();
  const corpusDir = join(here, '.corpus');
  const corpus = ensureCorpus(corpusDir, files);
  const b = corpus.fileBytes;
  console.log(`corpus: ${fmtInt(corpus.files)} files, ${fmtInt(corpus.statements)} statements, ${(corpus.bytes / 1e6).toFixed(1)} MB in ${relative(process.cwd(), corpusDir)}`);
  console.log(`        sources ${Object.entries(corpus.bySource).map(([k, v]) => `${k} ${v}`).join(', ')}; file size min ${b.min} B, median ${b.median} B, p90 ${b.p90} B, max ${b.max} B`);

  const list = tools(corpusDir);
  const squawkFiles = squawkFileCount(list[2]);
  if (squawkFiles === 0) console.log("note: squawk's --verbose log names no file (its format changed?): not verified that its glob reaches every file");
  else if (squawkFiles !== corpus.files) throw new Error(`squawk's glob reached ${squawkFiles} files, the corpus has ${corpus.files}`);

  console.log(`\n${runs} timed runs per tool after one warm-up, interleaved; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}; peak RSS: ${rssMethod}`);
  const counts = [];
  const { results, loadavg1m } = measureAll(list, runs, {
    onWarmup: (tool, run, i) => (counts[i] = tool.count(JSON.parse(readFileSync(run.outFile, 'utf8')), corpus)),
  });
  results.forEach((r, i) => Object.assign(r, { statementsPerSec: corpus.statements / (r.wallMs.median / 1000), ...counts[i] }));
  console.log();
  printTable(results, corpus);
  for (const r of results) for (const n of r.notes) console.log(`note: ${r.tool}: ${n}`);

  const [pgsafe, squawk, native] = results;
  const ratio = pgsafe.wallMs.median / squawk.wallMs.median;
  const targets = {
    wall: { target: `< ${TARGET_WALL_MS} ms`, value: pgsafe.wallMs.median, pass: pgsafe.wallMs.median < TARGET_WALL_MS },
    ratio: { target: `<= ${TARGET_RATIO}x squawk (npm)`, value: ratio, pass: ratio <= TARGET_RATIO },
  };
  console.log(`\nload average (1 min) during the runs: ${loadavg1m.min.toFixed(2)}-${loadavg1m.max.toFixed(2)}`);
  console.log(`target: whole corpus in < ${TARGET_WALL_MS / 1000} s wall: ${targets.wall.pass ? 'PASS' : 'FAIL'} (${(pgsafe.wallMs.median / 1000).toFixed(2)} s)`);
  console.log(`target: within ${TARGET_RATIO}x of squawk (npm squawk-cli): ${targets.ratio.pass ? 'PASS' : 'FAIL'} (${ratio.toFixed(2)}x; ${(pgsafe.wallMs.median / native.wallMs.median).toFixed(2)}x of the native binary)`);

  // Start-up as most checks meet it: one migration (a pre-commit hook, a CI step on the new file).
  const single = measureAll(tools(corpusDir, ONE_FILE), runs * 2).results;
  console.log(`\none migration (${ONE_FILE}), ${runs * 2} runs each:`);
  for (const r of single) console.log(`  ${r.tool.padEnd(24)} wall median ${fmtMs(r.wallMs.median)} (${Math.round(r.wallMs.min)}-${Math.round(r.wallMs.max)}), cpu ${fmtMs(r.cpuMs)}, peak RSS ${Math.round(r.peakRssMb)} MB`);

  const out = join(here, '.results/check-throughput.json');
  mkdirSync(dirname(out), { recursive: true });
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, rssMethod, loadavg1m };
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), pgsafe: gitState(), machine, runs, corpus, results, targets, oneMigration: { file: ONE_FILE, results: single } }, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), out)}`);
  process.exitCode = targets.wall.pass && targets.ratio.pass ? 0 : 1;
}

// Exit codes: 0 targets met, 1 a target missed, 2 the bench itself failed (a tool crashed, a report did not add up).
try {
  main();
} catch (error) {
  console.error(`check-throughput: ${error.message}`);
  process.exitCode = 2;
}
