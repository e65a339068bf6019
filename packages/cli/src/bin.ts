#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// V8 tuning for a short-lived command, set before any of pgsafe is compiled (the program is imported below, after
// it). Both cut CPU time on large checks (bench/README.md): SQL parsing runs in libpg-query's WebAssembly, whose
// optimizing tier-up costs more than it saves in one run (and delays exit on small checks), and capping TurboFan's
// inlining makes each of the many re-optimizations that the AST's varied shapes cause cheaper.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');

// `check` parses on a worker thread; started before the program loads, its start-up overlaps the program's.
if (process.argv.slice(2).find((arg) => !arg.startsWith('-')) === 'check') {
  const { startParserThread } = await import('@pgsafe/core/parser-thread');
  startParserThread();
}
const { program } = await import('./program.js');
program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`pgsafe: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
