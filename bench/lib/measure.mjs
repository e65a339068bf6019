// Whole-process wall time, CPU time and peak memory of commands, over interleaved runs.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const PROBE = fileURLToPath(new URL('./rusage-probe.cjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pgsafe-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** How peak RSS is measured here: GNU time's maxrss (the largest process of the command's tree, from wait4), or
 *  without it a --require probe that reports process.resourceUsage() from inside a node process (native
 *  processes then have no figure). */
export const rssMethod = existsSync(GNU_TIME)
  ? 'GNU time -f %M (largest single process of the command)'
  : 'process.resourceUsage().maxRSS via a --require probe (node processes only)';

/** Runs a command once, stdout into a file (as a CI log would take it, not through this process's pipes).
 *  Exit codes other than `okCodes` mean the bench is broken, not that the tool found something. */
export function runOnce(tool, { okCodes = [0, 1] } = {}) {
  const outFile = join(scratch, 'stdout');
  const usageFile = join(scratch, 'usage');
  rmSync(usageFile, { force: true });
  const out = openSync(outFile, 'w');
  const [cmd, args, env] = existsSync(GNU_TIME)
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', usageFile, tool.cmd, ...tool.args], process.env]
    : [tool.cmd, tool.args, { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PROBE}`, BENCH_RUSAGE_FILE: usageFile }];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: tool.cwd, env, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  closeSync(out);
  if (r.error) throw r.error;
  if (!okCodes.includes(r.status)) throw new Error(`${tool.name}: exit code ${r.status} (signal ${r.signal})\n${r.stderr.slice(-3000)}`);
  return { wallMs, ...readUsage(usageFile), code: r.status, outFile, outBytes: statSync(outFile).size, stderr: r.stderr };
}

/** CPU ms and peak RSS MB from GNU time's last line ("user sys maxrss-KB"), or from the probe's JSON. */
function readUsage(file) {
  if (!existsSync(file)) return { cpuMs: NaN, rssMb: NaN };
  const text = readFileSync(file, 'utf8').trim();
  if (existsSync(GNU_TIME)) {
    const [user, sys, rssKb] = text.split('\n').at(-1).split(' ').map(Number);
    return { cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024 };
  }
  const u = JSON.parse(text);
  return { cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMb: u.maxRSS / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One warm-up run of each tool (its output is returned for checking), then `runs` rounds in which every tool runs
 *  once, in a rotating order: on a shared machine, load that comes and goes then hits all tools alike. */
export function measureAll(tools, runs, { onWarmup } = {}) {
  const samples = tools.map(() => []);
  tools.forEach((tool, i) => onWarmup?.(tool, runOnce(tool), i));
  const load = [loadavg()[0]];
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < tools.length; k++) {
      const i = (round + k) % tools.length;
      samples[i].push(runOnce(tools[i]));
    }
    load.push(loadavg()[0]);
  }
  return {
    loadavg1m: { min: Math.min(...load), max: Math.max(...load) },
    results: tools.map((tool, i) => {
      const wall = samples[i].map((s) => s.wallMs);
      return {
        tool: tool.name,
        command: [tool.cmd, ...tool.args].join(' '),
        wallMs: { median: median(wall), min: Math.min(...wall), max: Math.max(...wall), runs: wall },
        cpuMs: median(samples[i].map((s) => s.cpuMs)),
        peakRssMb: Math.max(...samples[i].map((s) => s.rssMb)),
        outputMb: samples[i].at(-1).outBytes / 1e6,
      };
    }),
  };
}
