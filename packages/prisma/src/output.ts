/** What the Prisma commands print: plain lines on stdout, problems on stderr, executor events with elapsed time. */
import { describeEvent, noColor, renderFinding, type ExecuteEvent, type Finding, type Palette, type PassedFinding } from '@pgsafe/core';

export interface Output {
  c: Palette;
  /** A line on stdout. */
  say(line: string): void;
  /** A line on stderr. */
  warn(line: string): void;
}

export function streamsOutput(c: Palette = noColor, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Output {
  return { c, say: (l) => out.write(l + '\n'), warn: (l) => err.write(l + '\n') };
}

export function printEvent(o: Output, e: ExecuteEvent): void {
  if (e.type === 'progress' || e.type === 'attempt') return;
  const text = `  [${(e.at / 1000).toFixed(1).padStart(5)}s] ${describeEvent(e)}`;
  if (e.type === 'step-failed') o.say(o.c.red(text));
  else if (e.type === 'retry' || e.type === 'preflight' || e.type === 'blocked' || e.type === 'warning' || e.type === 'invalid-index-dropped') o.say(o.c.yellow(text));
  else o.say(text);
}

/** Blocking findings in full (with the recipe), the others on one line. */
export function printFindings(o: Output, findings: Finding[], blocking: Finding[], source: string, passed: PassedFinding[] = []): void {
  for (const f of findings) {
    if (blocking.includes(f)) o.say(renderFinding(f, source, o.c) + '\n');
    else {
      const tag = f.severity === 'error' ? o.c.yellow(`error[${f.rule}] (allowed by --allow)`) : o.c.yellow(`warning[${f.rule}]`);
      // A warning only because its table is small says how small.
      const size = (f.live ?? []).filter((x) => x.kind === 'table').map((x) => ` (${x.text})`).join('');
      o.say(`${o.c.bold(`${f.file}:${f.start.line}:${f.start.column}`)} ${tag} ${f.message}${size}`);
    }
  }
  for (const p of passed) o.say(`${o.c.bold(`${p.finding.file}:${p.finding.start.line}:${p.finding.start.column}`)} ${o.c.dim(`let through [${p.finding.rule}]`)} ${p.reason}`);
}
