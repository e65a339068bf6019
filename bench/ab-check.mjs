// Interleaved A/B of `pgsafe check` variants on the same input: other builds (say, a git worktree of an older commit)
// or node/V8 flags. On a machine whose speed drifts, only runs interleaved like this compare.
// Usage: node bench/ab-check.mjs [--runs 8] [--input bench/.corpus] 'label=[node flags...] path/to/dist/bin.js' ...
//   e.g. node bench/ab-check.mjs 'now=packages/cli/dist/bin.js' 'pool1=--v8-pool-size=1 packages/cli/dist/bin.js'
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureAll } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string', default: '8' }, input: { type: 'string', default: join(root, 'bench/.corpus') }, help: { type: 'boolean' } },
  });
  const runs = Number(values.runs);
  if (values.help || positionals.length === 0 || !Number.isInteger(runs) || runs < 1) {
    console.log("usage: node bench/ab-check.mjs [--runs 8] [--input bench/.corpus] 'label=[node flags...] path/to/dist/bin.js' ...");
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (!existsSync(values.input)) throw new Error(`${values.input} does not exist (node bench/check-throughput.mjs writes the corpus)`);
  const variants = positionals.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1) throw new Error(`"${spec}": give label=[flags...] bin.js`);
    const words = spec.slice(eq + 1).trim().split(/\s+/);
    const bin = resolve(words.at(-1));
    if (!existsSync(bin)) throw new Error(`${bin} does not exist`);
    return { name: spec.slice(0, eq), cmd: process.execPath, args: [...words.slice(0, -1), bin, 'check', values.input, '--format', 'json'], cwd: root };
  });
  console.log(`${runs} interleaved rounds after one warm-up each; ${cpus().length} CPUs; input ${values.input}`);
  const { results, loadavg1m } = measureAll(variants, runs);
  const width = Math.max(...results.map((r) => r.tool.length)) + 2;
  for (const r of results) {
    console.log(`${r.tool.padEnd(width)}wall median ${Math.round(r.wallMs.median)} ms (${Math.round(r.wallMs.min)}-${Math.round(r.wallMs.max)}), cpu ${Math.round(r.cpuMs)} ms, peak RSS ${Math.round(r.peakRssMb)} MB, output ${r.outputMb.toFixed(1)} MB`);
  }
  console.log(`load average (1 min) during the runs: ${loadavg1m.min.toFixed(2)}-${loadavg1m.max.toFixed(2)}`);
}

try {
  main();
} catch (error) {
  console.error(`ab-check: ${error.message}`);
  process.exitCode = 2;
}
