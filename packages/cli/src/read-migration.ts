import { loadParser, readMigrationSource, parseMigration, ParseError, type ParsedMigration, type Palette } from '@pgsafe/core';
import { formatError } from './output/pretty.js';

/** `pgsafe: error: message` on stderr, exit code 2: what the single-file commands (trace, rehearse) do on bad input. */
export function failWith(errColors: Palette): (message: string) => void {
  return (message) => {
    process.stderr.write(`pgsafe: ${errColors.red(errColors.bold('error'))}: ${message}\n`);
    process.exitCode = 2;
  };
}

/** Reads and parses the one migration file of trace and rehearse. When it cannot be read or does not parse, the
 *  error is reported (with line, column and caret for a parse error), the exit code set to 2, and undefined given. */
export async function readMigration(file: string, errColors: Palette): Promise<ParsedMigration | undefined> {
  let source: string;
  try {
    source = readMigrationSource(file);
  } catch (error) {
    failWith(errColors)(`cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
  await loadParser();
  try {
    return parseMigration(source, file);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    process.stderr.write(formatError({ file, line: error.position.line, column: error.position.column, message: error.reason, lineText: error.lineText }, errColors));
    process.exitCode = 2;
    return undefined;
  }
}
