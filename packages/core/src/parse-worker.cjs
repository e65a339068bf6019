// The thread behind parser-thread.ts: reads migration files and parses them with libpg-query, posting back each parse
// tree as the JSON text PostgreSQL's parser wrote, so the main thread only runs JSON.parse. Plain JavaScript: Node
// runs it as it is, from the TypeScript sources in tests and from dist/ in the package.
'use strict';
const { closeSync, fstatSync, openSync, readFileSync, readlinkSync } = require('node:fs');

/** As read-source.ts: a bound on one migration's size, with the same message. */
const MAX_MIGRATION_BYTES = 16 * 1024 * 1024;
const { setPriority } = require('node:os');
const { parentPort } = require('node:worker_threads');
// libpg-query's Emscripten module itself: the package's index would JSON.parse each tree here, the very work this
// thread hands back to the main thread.
const createModule = require('libpg-query/wasm/libpg-query.js');

// Results go back in batches: a message per small file costs more than it carries. The first batches are small, and
// any batch goes at once when the main thread is waiting; they grow to about this many characters.
const BATCH_CHARS = 1 << 19;

/** `{ json }` for a parse tree, `{ error, cursor }` for input PostgreSQL rejects (cursor: 0-based characters). */
function parse(pg, sql) {
  const size = pg.lengthBytesUTF8(sql) + 1;
  const input = pg._malloc(size);
  pg.stringToUTF8(sql, input, size);
  const result = pg._wasm_parse_query_raw(input);
  try {
    if (!result) throw new Error('libpg-query: out of memory');
    // PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error }
    const error = pg.getValue(result + 8, 'i32');
    if (error) {
      // PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos (1-based) }
      return { error: pg.UTF8ToString(pg.getValue(error, 'i32')), cursor: Math.max(0, pg.getValue(error + 16, 'i32') - 1) };
    }
    return { json: pg.UTF8ToString(pg.getValue(result, 'i32')) };
  } finally {
    pg._free(input);
    if (result) pg._wasm_free_parse_result(result);
  }
}

/** One job's result; `source` is sent back only when this thread read the file. */
function run(pg, job) {
  let source = job.source;
  if (source === undefined) {
    try {
      const fd = openSync(job.file, 'r');
      try {
        const size = fstatSync(fd).size;
        if (size > MAX_MIGRATION_BYTES) {
          return {
            readError: `${job.file} is ${(size / 1024 / 1024).toFixed(1)} MB, more than pgsafe reads as one migration (${MAX_MIGRATION_BYTES / 1024 / 1024} MB): a file this big holds data, not schema changes; split it, or load the data another way`,
          };
        }
        source = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      return { readError: error.message };
    }
  }
  // libpg-query rejects empty input; a file of only whitespace is simply empty.
  const parsed = source.trim() === '' ? {} : parse(pg, source);
  if (job.source === undefined) parsed.source = source;
  return parsed;
}

// This thread's nice value (0 is the default; 19 the lowest priority): low enough to give way to the caller.
const NICE = 10;

/** Lowers this thread's scheduling priority. The calling thread is the critical path: it checks each migration after
 *  this thread parsed it, and this thread, running ahead, is idle more than half the time. On two cores, at equal priority, the
 *  scheduler let this thread take the caller's core while V8's own threads held the other (bench/README.md:
 *  -0.1 s on 5,000 files). Linux only, where a thread has an id and a nice value of its own (/proc/thread-self);
 *  elsewhere setpriority() would lower the whole process, so it is left alone. Raising a nice value needs no
 *  privilege, and the thread ends with its parse. */
function yieldToCaller() {
  if (process.platform !== 'linux') return;
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), NICE);
  } catch {
    // No /proc (a sandbox), or a scheduler that refuses: run at normal priority.
  }
}
yieldToCaller();
const ready = createModule();
// Slots of the shared Int32Array (see parser-thread.ts).
const NEXT = 0; // the next job nobody has claimed yet
const WAITING = 1; // 1 while the main thread waits for results: post what there is at once
const TAKEN = 2; // how many results the main thread has taken
// How far this thread may run ahead of the main thread: results it has not taken yet wait in its heap, where every
// young-generation collection copies them again.
const AHEAD = 128;

parentPort.on('message', async ({ jobs, shared }) => {
  const pg = await ready;
  let batch = [];
  let chars = 0;
  let limit = 1 << 12;
  const post = () => {
    parentPort.postMessage(batch);
    batch = [];
    chars = 0;
    limit = Math.min(limit * 2, BATCH_CHARS);
  };
  for (;;) {
    for (let taken = Atomics.load(shared, TAKEN); Atomics.load(shared, NEXT) - taken > AHEAD; taken = Atomics.load(shared, TAKEN)) {
      if (batch.length > 0) post();
      Atomics.wait(shared, TAKEN, taken);
    }
    // Jobs are claimed one at a time: the main thread takes the ones it reaches first.
    const index = Atomics.add(shared, NEXT, 1);
    if (index >= jobs.length) break;
    const result = run(pg, jobs[index]);
    result.index = index;
    batch.push(result);
    chars += (result.json?.length ?? 0) + (result.source?.length ?? 0);
    if (chars >= limit || Atomics.load(shared, WAITING) === 1) post();
  }
  if (batch.length > 0) post();
});
