#!/usr/bin/env node
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8 tuning for a short-lived command, set before any of pgsafe is compiled (the program is imported below, after
// it). Both cut CPU time on large checks (bench/README.md): SQL parsing runs in libpg-query's WebAssembly, whose
// optimizing tier-up costs more than it saves in one run (and delays exit on small checks), and capping TurboFan's
// inlining makes each of the many re-optimizations that the AST's varied shapes cause cheaper.
setFlagsFromString('--liftoff-only');
// For the whole process: core's parser (pg-parser.ts) leaves it set instead of undoing it after its own compilation.
(globalThis as Record<symbol, unknown>)[Symbol.for('pgsafe.liftoffOnly')] = true;
setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');

// `check` of a directory or a glob parses its many files on a worker thread; started before the program loads, its
// start-up overlaps the program's. A few named files are parsed sooner without one (bench/README.md).
const args = process.argv.slice(2);
const manyFiles = (arg: string) => {
  try {
    return /[*?[{]/.test(arg) || statSync(arg).isDirectory();
  } catch {
    return false;
  }
};
if (args.find((arg) => !arg.startsWith('-')) === 'check' && args.some(manyFiles)) {
  const { startParserThread } = await import('@pgsafe/core/parser-thread');
  startParserThread();
}
// `pgsafe check dir | head -1`: the reader has gone away, which ends the output, and is no error to report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { program } = await import('./program.js');
program()
  .parseAsync(process.argv)
  .catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0); // written synchronously
    // An unexpected error's stack may quote a connection string: never its password.
    const { redactText } = await import('@pgsafe/core');
    process.stderr.write(`pgsafe: ${redactText(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = 2;
  });
