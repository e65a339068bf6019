// The committed judgements (bench/precision/judgements.tsv) and the seeded sample they judge.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const VERDICTS = ['true', 'false', 'debatable'];
const COLUMNS = ['project', 'source', 'path', 'line', 'rule', 'fingerprint', 'judgement', 'reason'];

const sha = (text) => createHash('sha256').update(text).digest('hex');

/** What the rule said, reduced to a short hash: a judgement holds while the rule says the same thing at the same
 *  place. Severity is left out (it is the rule's default or a version downgrade, not what was judged). */
export const fingerprint = (finding) => sha(`${finding.rule}\n${finding.message}`).slice(0, 12);

/** Where a finding is, independent of what it says: the key a judgement is filed under. */
export const place = (f) => `${f.project}\t${f.path}\t${f.line}\t${f.rule}`;

/** Reads the judgements file: one row per judged finding, tab-separated, with a header line. */
export function readJudgements(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const [header, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (header !== COLUMNS.join('\t')) throw new Error(`${file}: the first line must be the header: ${COLUMNS.join(' <tab> ')}`);
  return lines.map((line, i) => {
    const cells = line.split('\t');
    if (cells.length !== COLUMNS.length) throw new Error(`${file}:${i + 2}: ${cells.length} columns, expected ${COLUMNS.length}`);
    const row = Object.fromEntries(COLUMNS.map((c, j) => [c, cells[j]]));
    if (!VERDICTS.includes(row.judgement)) throw new Error(`${file}:${i + 2}: judgement must be one of ${VERDICTS.join(', ')}, not "${row.judgement}"`);
    if (!row.reason.trim()) throw new Error(`${file}:${i + 2}: a judgement needs a one-line reason`);
    return { ...row, line: Number(row.line) };
  });
}

/** Writes the rows sorted (project, path, line, rule), so the file diffs well. */
export function writeJudgements(file, rows) {
  const sorted = [...rows].sort((a, b) => cmp(a.project, b.project) || cmp(a.path, b.path) || a.line - b.line || cmp(a.rule, b.rule) || cmp(a.fingerprint, b.fingerprint));
  writeFileSync(file, [COLUMNS.join('\t'), ...sorted.map((r) => COLUMNS.map((c) => String(r[c]).replace(/[\t\n]/g, ' ')).join('\t'))].join('\n') + '\n');
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The sample of one bucket (a rule at one severity): the `size` findings with the smallest seeded hash of their
 *  place. A finding keeps its rank while the others come and go, so the sample changes only where the findings
 *  do, and a judged finding stays in it until the rule stops reporting it. */
export function drawSample(findings, size, seed) {
  const seen = new Map();
  const ranked = findings.map((f) => {
    const key = place(f);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return { f, rank: sha(`${seed}\n${key}\n${n}`) };
  });
  return ranked.sort((a, b) => cmp(a.rank, b.rank)).slice(0, size).map((r) => r.f);
}

/** Matches a sampled finding to its judgement: `judged` (same place, same fingerprint), `changed` (judged at this
 *  place, but the rule now says something else: re-judge), or `pending`. */
export function matchJudgement(finding, byPlace) {
  const rows = byPlace.get(place(finding)) ?? [];
  const same = rows.find((r) => r.fingerprint === finding.fingerprint);
  if (same) return { status: 'judged', row: same };
  return rows.length ? { status: 'changed', row: rows[0] } : { status: 'pending' };
}
