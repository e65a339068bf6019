import { createRequire } from 'node:module';
import { Command, type CommanderError } from 'commander';
import { checkCommand } from './commands/check.js';
import { runCommand } from './commands/run.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `pgsafe` command. Each subcommand lives in its own module under commands/. */
export function program(): Command {
  const root = new Command('pgsafe')
    .description('Make PostgreSQL migrations safe to run on large, busy production databases.')
    .version(version)
    .showHelpAfterError()
    .exitOverride(exitOnUsageError);
  root.addCommand(checkCommand().exitOverride(exitOnUsageError));
  root.addCommand(runCommand().exitOverride(exitOnUsageError));
  return root;
}

/** Usage errors exit 2, since 1 means "error-level findings"; help and version exit 0. */
function exitOnUsageError(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}
