/**
 * PostgreSQL's parser and scanner (libpg-query's WebAssembly build), one instance for all of pgsafe's main thread.
 *
 * libpg-query's own entry is not used: importing it instantiates its module at once (with V8's default tiering, see
 * below), and every module importing it would load that entry; its ESM file also costs Node a format detection and a
 * scan of the Emscripten glue for named exports. This wraps the same Emscripten module (`wasm/libpg-query.js`, as the
 * parser thread does, parse-worker.cjs) with the same calls and results as the entry's `parseSync` / `scanSync`.
 *
 * V8 compiles WebAssembly with a baseline compiler (Liftoff) and recompiles hot functions with its optimizing one
 * (TurboFan). The parser's grammar and scanner are two functions of ~100 KB each, hot from the first statement: V8
 * spent ~300 ms of CPU (on background threads) optimizing them, more than the parse of 20,000 statements costs in
 * baseline code (bench/README.md, "Guard overhead per adapter"). The module is therefore compiled with
 * `--liftoff-only`, set only while it is compiled and instantiated (the choice is fixed per module at compilation):
 * WebAssembly compiled later in the process gets V8's defaults again. Left alone when the process was started with
 * flags of its own about WebAssembly tiering.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { ParseResult } from '@pgsql/types';

/** The Emscripten module's exports this uses. */
interface PgQueryWasm {
  _malloc(size: number): number;
  _free(ptr: number): void;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, ptr: number, max: number): void;
  UTF8ToString(ptr: number): string;
  getValue(ptr: number, type: 'i32'): number;
  _wasm_parse_query_raw(ptr: number): number;
  _wasm_free_parse_result(ptr: number): void;
  _wasm_scan(ptr: number): number;
  _wasm_free_string(ptr: number): void;
}

export interface ScanToken {
  start: number;
  end: number;
  text: string;
  tokenType: number;
  tokenName: string;
  keywordKind: number;
  keywordName: string;
}

export interface ScanResult {
  version: number;
  tokens: ScanToken[];
}

export interface SqlErrorDetails {
  message: string;
  /** 0-based character offset the parser points at. */
  cursorPosition: number;
  fileName?: string | undefined;
  functionName?: string | undefined;
  lineNumber?: number | undefined;
}

/** Input PostgreSQL's parser rejects (as libpg-query's SqlError). */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly sqlDetails?: SqlErrorDetails,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

let wasm: PgQueryWasm | undefined;
let loading: Promise<void> | undefined;

/** Loads the WebAssembly parser once; parseSync and scanSync work after it resolves. */
export function loadParser(): Promise<void> {
  return (loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const create = require('libpg-query/wasm/libpg-query.js') as () => Promise<PgQueryWasm>;
    const restore = baselineOnly();
    try {
      wasm = await create();
    } finally {
      restore?.();
    }
  })());
}

/** Set (to true) by a program that set `--liftoff-only` for its whole process (the CLI, bin.ts): left as it is. */
export const LIFTOFF_ONLY = Symbol.for('pgsafe.liftoffOnly');

/** Sets `--liftoff-only` for the module's compilation; returns what undoes it (undefined: nothing was set). */
function baselineOnly(): (() => void) | undefined {
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if ((globalThis as Record<symbol, unknown>)[LIFTOFF_ONLY] === true || /liftoff|wasm-tier|wasm-dynamic-tiering/.test(given)) return undefined;
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    return undefined;
  }
  return () => setFlagsFromString('--no-liftoff-only');
}

function loaded(): PgQueryWasm {
  if (!wasm) throw new Error('the PostgreSQL parser is not loaded: call loadParser() first');
  return wasm;
}

function input(pg: PgQueryWasm, sql: string): number {
  if (typeof sql !== 'string') throw new TypeError(`Expected a string, got ${typeof sql}`);
  const size = pg.lengthBytesUTF8(sql) + 1;
  const ptr = pg._malloc(size);
  pg.stringToUTF8(sql, ptr, size);
  return ptr;
}

/** The parse tree of `sql` (libpg-query's JSON); throws SqlError (with the cursor) when PostgreSQL rejects it. */
export function parseSync(sql: string): ParseResult {
  const pg = loaded();
  if (sql === '') throw new Error('Query cannot be empty');
  const query = input(pg, sql);
  let result = 0;
  try {
    result = pg._wasm_parse_query_raw(query);
    if (!result) throw new Error('Failed to parse query: memory allocation failed');
    // PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error }
    const tree = pg.getValue(result, 'i32');
    const error = pg.getValue(result + 8, 'i32');
    if (error) {
      // PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos (1-based) }
      const text = (at: number) => {
        const ptr = pg.getValue(error + at, 'i32');
        return ptr ? pg.UTF8ToString(ptr) : undefined;
      };
      const message = text(0) ?? 'Unknown error';
      const lineno = pg.getValue(error + 12, 'i32');
      const cursor = pg.getValue(error + 16, 'i32');
      throw new SqlError(message, { message, cursorPosition: cursor > 0 ? cursor - 1 : 0, fileName: text(8), functionName: text(4), lineNumber: lineno > 0 ? lineno : undefined });
    }
    if (!tree) throw new Error('No parse tree generated');
    return JSON.parse(pg.UTF8ToString(tree)) as ParseResult;
  } finally {
    pg._free(query);
    if (result) pg._wasm_free_parse_result(result);
  }
}

/** The scanner's tokens of `sql` (byte offsets); throws when it rejects the text (an unterminated literal). */
export function scanSync(sql: string): ScanResult {
  const pg = loaded();
  const query = input(pg, sql);
  let result = 0;
  try {
    result = pg._wasm_scan(query);
    const text = pg.UTF8ToString(result);
    if (text.startsWith('syntax error') || text.startsWith('deparse error') || text.startsWith('ERROR')) throw new Error(text);
    return JSON.parse(text) as ScanResult;
  } finally {
    pg._free(query);
    if (result) pg._wasm_free_string(result);
  }
}

// Started when this module is loaded, as importing libpg-query's entry did: code that parses soon after importing
// pgsafe without awaiting loadParser() (the contract) has always found the parser ready. A failure surfaces where
// loadParser() is awaited.
loadParser().catch(() => {});
