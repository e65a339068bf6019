import type { Finding } from '../finding.js';

/** Colors for terminal output; identity functions when color is off. */
export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain = (s: string) => s;
export const noColor: Palette = { red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };

/** Renders one finding like a compiler diagnostic: location, rule, the SQL excerpt with a caret, lock, why, recipe,
 *  and the rule's page when `docs` gives its address. */
export function renderFinding(f: Finding, source: string | undefined, c: Palette = noColor, docs?: string): string {
  const sev = f.severity === 'error' ? c.red(c.bold('error')) : c.yellow(c.bold('warning'));
  const out = [`${c.bold(`${f.file}:${f.start.line}:${f.start.column}`)} ${sev}[${f.rule}] ${c.bold(f.message)}`];
  const lines = excerptLines(f, source);
  const gutter = String(lines.at(-1)?.line ?? f.start.line).length;
  const bar = c.dim(`${' '.repeat(gutter)} |`);
  out.push(bar);
  for (const { line, text } of lines) {
    out.push(`${c.dim(`${String(line).padStart(gutter)} |`)} ${text}`);
    if (line === f.start.line) out.push(`${bar} ${' '.repeat(Math.max(0, f.start.column - 1))}${c.red('^')}`);
  }
  out.push(bar);
  if (f.lock) out.push(`${bar} ${c.cyan('lock:')} ${f.lock.mode} on ${f.lock.table}, blocks ${f.lock.blocks}; held for ${f.lock.heldFor}`);
  for (const fact of f.live ?? []) out.push(...wrap(`${c.cyan('live:')} ${fact.text}`).map((l) => `${bar} ${l}`));
  out.push(...wrap(`${c.cyan('why:')} ${f.why}`).map((l) => `${bar} ${l}`));
  out.push(`${bar} ${c.cyan('fix:')} ${f.recipe.summary}`);
  for (const l of f.recipe.sql.split('\n')) out.push(`${bar}     ${c.dim('│')} ${l}`);
  if (f.recipe.versions) out.push(...wrap(`${c.cyan('versions:')} ${f.recipe.versions}`).map((l) => `${bar} ${l}`));
  if (docs) out.push(`${bar} ${c.cyan('docs:')} ${docs}`);
  return out.join('\n');
}

/** The statement's lines, at most 6 around the pointed line, taken from the source when available. */
function excerptLines(f: Finding, source: string | undefined): { line: number; text: string }[] {
  const all = (source ?? '').split('\n');
  const first = f.statement.start.line;
  const last = f.statement.end.line;
  const from = Math.max(first, Math.min(f.start.line - 2, last - 5));
  const to = Math.min(last, from + 5);
  const lines: { line: number; text: string }[] = [];
  for (let line = from; line <= to; line++) {
    const text = source === undefined ? (f.statement.text.split('\n')[line - first] ?? '') : (all[line - 1] ?? '');
    lines.push({ line, text: text.replace(/\r$/, '') });
  }
  return lines;
}

function wrap(text: string, width = 110): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + word.length + 1 > width) {
      lines.push(current);
      current = '  ' + word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
