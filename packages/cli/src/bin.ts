#!/usr/bin/env node
import { program } from './program.js';

program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`pgsafe: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  });
