// Whole-process timing and peak memory of a command, over several runs.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME = '/usr/bin/time';

const OUT = join(tmpdir(), 'pgsafe-bench-stdout');

/** Runs the command once with stdout going to a file (as in CI, not into this process's pipe buffers); wall ms,
 *  peak RSS in MB (from GNU time when present), exit code and stdout. */
export function runOnce(cmd, args, { okCodes = [0, 1] } = {}) {
  const useTime = existsSync(TIME);
  const out = openSync(OUT, 'w');
  const stdio = ['ignore', out, 'pipe'];
  const start = process.hrtime.bigint();
  const r = useTime
    ? spawnSync(TIME, ['-f', '%M', cmd, ...args], { encoding: 'utf8', stdio })
    : spawnSync(cmd, args, { encoding: 'utf8', stdio });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  closeSync(out);
  if (!okCodes.includes(r.status)) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rssKb = useTime ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, rssMb: rssKb / 1024, code: r.status, stdout: readFileSync(OUT, 'utf8') };
}

/** One warm-up, then `runs` timed runs; median/min/max wall time and the largest peak RSS. */
export function measure(cmd, args, runs) {
  runOnce(cmd, args);
  const samples = Array.from({ length: runs }, () => runOnce(cmd, args));
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    maxMs: times.at(-1),
    peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
    last: samples.at(-1),
  };
}
