import { readMigrationSource } from './read-source.js';
import { Worker } from 'node:worker_threads';
import { loadParser, migrationFromTree, nulByteError, parseErrorAt, parseMigration, ParseError, type ParsedMigration } from './parse.js';

/** A migration to parse: its file name, and its text unless it is to be read from the file. */
export interface ParseJob {
  file: string;
  source?: string;
}

/** One job's outcome: the migration, PostgreSQL's rejection of it, or why the file could not be read. */
export type ParseOutcome =
  | { file: string; source: string; migration: ParsedMigration; error?: undefined; readError?: undefined }
  | { file: string; source: string; migration?: undefined; error: ParseError; readError?: undefined }
  | { file: string; source?: undefined; migration?: undefined; error?: undefined; readError: string };

/** What the thread sends back for one job (see parse-worker.cjs). */
interface RawOutcome {
  index: number;
  json?: string;
  error?: string;
  cursor?: number;
  readError?: string;
  source?: string;
}

// Slots of the Int32Array both threads share for one parse() call.
const NEXT = 0; // the next job nobody has claimed yet
const WAITING = 1; // 1 while the caller waits for results: the thread then posts what it has at once
const TAKEN = 2; // how many outcomes the caller has taken: the thread keeps a bounded lead on it
/** Fewer jobs than this are parsed on the calling thread alone, unless the thread was started already. */
const THREAD_MIN_JOBS = 16;

/** A worker thread that reads and parses migrations ahead of the caller, who meanwhile checks the ones already
 *  parsed: on thousands of files, reading and parsing are a third of the work (bench/check-throughput). Jobs are
 *  claimed through a shared counter, so the caller parses a job itself rather than wait for it (while the thread
 *  starts up, for one). Start it early; `close()` it when done. */
export class ParserThread {
  #worker: Worker | undefined;
  readonly #done: (RawOutcome | undefined)[] = [];
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #busy = false;

  /** Starts the thread now rather than at the first parse() of enough jobs to need it. */
  start(): this {
    if (this.#worker) return this;
    const worker = (this.#worker = new Worker(new URL('./parse-worker.cjs', import.meta.url)));
    worker.on('message', (batch: RawOutcome[]) => {
      for (const raw of batch) this.#done[raw.index] = raw;
      this.#signal();
    });
    worker.on('error', (error) => {
      this.#failure = error;
      this.#signal();
    });
    worker.on('exit', (code) => {
      this.#failure ??= new Error(`the parser thread stopped (exit code ${code})`);
      this.#signal();
    });
    // Idle, the thread must not keep the process alive (after the listeners: adding one refs it again); parse() holds
    // it while it waits for results.
    worker.unref();
    return this;
  }

  /** Yields each job's outcome in job order. One call at a time; leaving one early ends the thread. */
  async *parse(jobs: readonly ParseJob[]): AsyncGenerator<ParseOutcome> {
    if (this.#busy) throw new Error('ParserThread.parse: the previous call has not finished');
    if (this.#failure) throw this.#failure;
    if (jobs.length === 0) return;
    // A few files are parsed here sooner than a thread starts.
    const worker = jobs.length >= THREAD_MIN_JOBS ? this.start().#worker : this.#worker;
    this.#busy = true;
    worker?.ref();
    const shared = new Int32Array(new SharedArrayBuffer(12));
    let next = 0;
    try {
      worker?.postMessage({ jobs, shared });
      // The caller parses some jobs itself, and the rules re-parse or scan SQL.
      await loadParser();
      while (next < jobs.length) {
        Atomics.store(shared, TAKEN, next);
        Atomics.notify(shared, TAKEN);
        const raw = this.#done[next];
        if (raw) {
          this.#done[next] = undefined;
          yield outcome(jobs[next++]!, raw);
        } else if (Atomics.compareExchange(shared, NEXT, next, next + 1) === next) {
          yield parseHere(jobs[next++]!);
        } else {
          // The thread has this job in hand.
          if (this.#failure) throw this.#failure;
          Atomics.store(shared, WAITING, 1);
          await new Promise<void>((resolve) => (this.#wake = resolve));
          Atomics.store(shared, WAITING, 0);
        }
      }
    } finally {
      this.#busy = false;
      worker?.unref();
      this.#done.length = 0;
      // Results still on their way would be taken for the next call's.
      if (next < jobs.length) await this.close();
    }
  }

  async close(): Promise<void> {
    this.#failure ??= new Error('the parser thread is closed');
    this.#worker?.removeAllListeners('exit');
    await this.#worker?.terminate();
  }

  #signal(): void {
    this.#wake?.();
    this.#wake = undefined;
  }
}

function outcome(job: ParseJob, raw: RawOutcome): ParseOutcome {
  const { file } = job;
  if (raw.readError !== undefined) return { file, readError: raw.readError };
  const source = job.source ?? raw.source!;
  const nul = nulByteError(source, file);
  if (nul) return { file, source, error: nul };
  if (raw.error !== undefined) return { file, source, error: parseErrorAt(source, file, raw.error, raw.cursor ?? 0) };
  return { file, source, migration: migrationFromTree(source, file, raw.json === undefined ? {} : JSON.parse(raw.json)) };
}

/** The same outcome, parsed on the calling thread. */
function parseHere(job: ParseJob): ParseOutcome {
  const { file } = job;
  let source = job.source;
  if (source === undefined) {
    try {
      source = readMigrationSource(file);
    } catch (error) {
      return { file, readError: (error as Error).message };
    }
  }
  try {
    return { file, source, migration: parseMigration(source, file) };
  } catch (error) {
    if (error instanceof ParseError) return { file, source, error };
    throw error;
  }
}

let early: ParserThread | undefined;

/** Starts the parser thread before the rest of a program loads (the CLI's entry does, for `check`), so that their
 *  start-ups overlap; `parserThread()` hands it over. */
export function startParserThread(): void {
  early ??= new ParserThread().start();
}

/** The thread `startParserThread()` started, or a new one. */
export function parserThread(): ParserThread {
  const thread = early ?? new ParserThread();
  early = undefined;
  return thread;
}
