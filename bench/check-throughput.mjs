// Checks a generated corpus of migration files with pgsafe and with squawk, whole process, same files.
// Usage: node bench/check-throughput.mjs [--files 5000] [--runs 5]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureCorpus } from './lib/corpus.mjs';
import { measure } from './lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { files: { type: 'string', default: '5000' }, runs: { type: 'string', default: '5' } } });
const files = Number(values.files);
const runs = Number(values.runs);

const corpusDir = join(here, '.corpus');
const corpus = ensureCorpus(corpusDir, files);
console.log(`corpus: ${corpus.files} files, ${corpus.statements} statements, ${(corpus.bytes / 1e6).toFixed(1)} MB (${corpusDir})`);

const pgsafeBin = join(here, '../packages/cli/dist/bin.js');
if (!existsSync(pgsafeBin)) throw new Error('build first: pnpm build');
const require = createRequire(import.meta.url);
const squawkWrapper = join(here, 'node_modules/.bin/squawk');
// The native binary shipped inside squawk-cli's platform package, without its node wrapper.
const squawkNative = join(dirname(require.resolve('@squawk-cli/linux-x64/package.json', { paths: [dirname(require.resolve('squawk-cli/package.json'))] })), 'bin/squawk');

const tools = [
  { name: 'pgsafe check', cmd: process.execPath, args: [pgsafeBin, 'check', corpusDir, '--format', 'json'], count: (out) => JSON.parse(out).findings.length },
  { name: 'squawk (npm squawk-cli)', cmd: squawkWrapper, args: [`${corpusDir}/**/*.sql`, '--reporter', 'json'], count: countSquawk },
  { name: 'squawk (native binary)', cmd: squawkNative, args: [`${corpusDir}/**/*.sql`, '--reporter', 'json'], count: countSquawk },
];

// Both tools write JSON reports, so each pays for the same kind of output.
function countSquawk(out) {
  return JSON.parse(out).length;
}

const results = tools.map((t) => {
  const m = measure(t.cmd, t.args, runs);
  return { tool: t.name, ...m, statementsPerSec: Math.round(corpus.statements / (m.medianMs / 1000)), findings: t.count(m.last.stdout), last: undefined };
});

const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('tool', 26)}${pad('wall median (min-max)', 26)}${pad('statements/s', 14)}${pad('peak RSS', 11)}findings`);
for (const r of results) {
  console.log(`${pad(r.tool, 26)}${pad(`${r.medianMs.toFixed(0)} ms (${r.minMs.toFixed(0)}-${r.maxMs.toFixed(0)})`, 26)}${pad(r.statementsPerSec.toLocaleString('en-US'), 14)}${pad(`${r.peakRssMb.toFixed(0)} MB`, 11)}${r.findings}`);
}
const [pgsafe, squawk, native] = results;
const ratio = pgsafe.medianMs / squawk.medianMs;
const underTwoSeconds = pgsafe.medianMs < 2000;
const withinTwice = ratio <= 2;
console.log(`\npgsafe / squawk (npm): ${ratio.toFixed(2)}x; pgsafe / squawk (native): ${(pgsafe.medianMs / native.medianMs).toFixed(2)}x`);
console.log(`target: whole corpus < 2 s wall: ${underTwoSeconds ? 'PASS' : 'FAIL'} (${(pgsafe.medianMs / 1000).toFixed(2)} s)`);
console.log(`target: within 2x of squawk (npm): ${withinTwice ? 'PASS' : 'FAIL'} (${ratio.toFixed(2)}x)`);

mkdirSync(join(here, '.results'), { recursive: true });
writeFileSync(join(here, '.results/check-throughput.json'), JSON.stringify({ date: new Date().toISOString(), corpus, results, ratio, pass: underTwoSeconds && withinTwice }, null, 2));
process.exitCode = underTwoSeconds && withinTwice ? 0 : 1;
