import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseMigration, ParseError } from './parse.js';
import { ParserThread, type ParseJob, type ParseOutcome } from './parser-thread.js';

const dir = mkdtempSync(join(tmpdir(), 'pgsafe-parser-thread-'));
const threads: ParserThread[] = [];

beforeAll(() => loadParser());
afterAll(() => Promise.all(threads.map((t) => t.close())));

function thread(): ParserThread {
  const t = new ParserThread();
  threads.push(t);
  return t;
}

/** 300 files of every kind the thread meets: statements with non-ASCII names and comments, syntax errors (one on a
 *  line after non-ASCII text), blank and comment-only files; plus a job with its text given and a missing file. */
function jobs(): ParseJob[] {
  const out: ParseJob[] = [];
  for (let i = 0; i < 300; i++) {
    const file = join(dir, `${String(i).padStart(3, '0')}.sql`);
    const sql =
      i % 97 === 13
        ? `-- données « clients » ${i}\nALTER TABLE "é${i}" ADDD COLUMN x int;`
        : i % 50 === 7
          ? i % 2 ? '\n  \n' : '-- rien à faire\n'
          : `-- ajoute « pays » 🚀\nALTER TABLE "usérs_${i}" ADD COLUMN país text;\nCREATE INDEX CONCURRENTLY idx_${i} ON "usérs_${i}" (país);\nCREATE TABLE t${i} (id bigint PRIMARY KEY, n numeric(10,2) NOT NULL DEFAULT 0)`;
    writeFileSync(file, sql);
    out.push({ file });
  }
  out.splice(150, 0, { file: 'given.sql', source: 'SELECT 1; UPDATE t SET a = 1 WHERE b' }, { file: join(dir, 'missing.sql') });
  return out;
}

/** What parsing on this thread gives, in the shape of a ParseOutcome. */
function reference(job: ParseJob): unknown {
  let source: string;
  try {
    source = job.source ?? readFileSync(job.file, 'utf8');
  } catch (error) {
    return { file: job.file, readError: (error as Error).message };
  }
  try {
    const m = parseMigration(source, job.file);
    return { file: job.file, source, statements: m.statements };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { file: job.file, source, error: [error.message, error.position, error.lineText] };
  }
}

/** A Linux thread's nice value, from its /proc stat line (field 19, counted after the parenthesized name). */
const niceIn = (statFile: string) => {
  const stat = readFileSync(statFile, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

/** The nice value of each thread of this process, by thread id. */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      out.set(Number(tid), niceIn(`/proc/self/task/${tid}/stat`));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

function comparable(o: ParseOutcome): unknown {
  if (o.readError !== undefined) return { file: o.file, readError: o.readError };
  if (o.error) return { file: o.file, source: o.source, error: [o.error.message, o.error.position, o.error.lineText] };
  return { file: o.file, source: o.source, statements: o.migration.statements };
}

describe('ParserThread', () => {
  it('gives every outcome in job order, as parsing here does, for the jobs the thread parsed ahead', async () => {
    const all = jobs();
    const parse = thread().parse(all);
    const got: ParseOutcome[] = [];
    const first = await parse.next();
    got.push(first.value as ParseOutcome);
    // Meanwhile the thread parses the next jobs (as far ahead as it may run), syntax errors among them.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for await (const o of parse) got.push(o);
    expect(got.map(comparable)).toEqual(all.map(reference));
    expect(got.filter((o) => o.error).map((o) => [o.file.slice(-7), o.error!.position.line, o.error!.position.column])).toEqual([
      ['013.sql', 2, 19],
      ['110.sql', 2, 20],
      ['207.sql', 2, 20],
    ]);
    expect(got.find((o) => o.file.endsWith('missing.sql'))?.readError).toMatch(/ENOENT/);
    expect(got.find((o) => o.file.endsWith('007.sql'))?.migration?.statements).toEqual([]);
  });

  it('gives the same outcomes when the caller takes jobs as it goes, and serves a second call', async () => {
    const all = jobs();
    const t = thread();
    const got: unknown[] = [];
    for await (const o of t.parse(all)) got.push(comparable(o));
    expect(got).toEqual(all.map(reference));
    const again: unknown[] = [];
    for await (const o of t.parse(all.slice(0, 20))) again.push(comparable(o));
    expect(again).toEqual(all.slice(0, 20).map(reference));
  });

  it('parses a few jobs on the calling thread, the same way', async () => {
    const few = jobs().slice(148, 155);
    const got: unknown[] = [];
    for await (const o of thread().parse(few)) got.push(comparable(o));
    expect(got).toEqual(few.map(reference));
    expect(got.filter((o) => 'readError' in (o as object))).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')('runs at a lower priority than the caller, which stays as it was', async () => {
    const before = niceByThread();
    const own = niceIn('/proc/thread-self/stat');
    const all = jobs();
    const parse = thread().parse(all);
    await parse.next();
    let started: number[] = [];
    for (let waited = 0; started.length === 0 && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      started = [...niceByThread()].filter(([tid, nice]) => !before.has(tid) && nice === 10).map(([tid]) => tid);
    }
    expect(started).toHaveLength(1);
    expect(niceIn('/proc/thread-self/stat')).toBe(own);
    let outcomes = 1;
    for await (const o of parse) if (o.file) outcomes++;
    expect(outcomes).toBe(all.length);
  });

  it('ends the thread when the caller leaves early, so no stale result reaches a later call', async () => {
    const t = thread();
    for await (const o of t.parse(jobs())) {
      expect(o.file).toMatch(/000\.sql$/);
      break;
    }
    await expect(t.parse([{ file: 'x.sql', source: 'SELECT 1' }]).next()).rejects.toThrow(/closed/);
  });
});
