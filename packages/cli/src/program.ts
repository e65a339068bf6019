import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, type CommanderError } from 'commander';
import { ConnectionStringError, normalizeConnectionString } from '@pgsafe/core';
import { checkCommand } from './commands/check.js';
import { runCommand } from './commands/run.js';
import { fixCommand } from './commands/fix.js';
import { traceCommand } from './commands/trace.js';
import { rehearseCommand } from './commands/rehearse.js';
import { reportCommand } from './commands/report.js';
import { explainCommand } from './commands/explain.js';
import { initCommand } from './commands/init.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `pgsafe` command. Each subcommand lives in its own module under commands/. */
export function program(): Command {
  const root = new Command('pgsafe')
    .description('Make PostgreSQL migrations safe to run on large, busy production databases.')
    .version(version)
    // Options after a subcommand belong to it: `pgsafe prisma --help` reaches prisma.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride(exitOnUsageError)
    .hook('preAction', (_root, command) => normalizeConnectionOptions(command));
  root.addCommand(checkCommand().exitOverride(exitOnUsageError));
  root.addCommand(fixCommand().exitOverride(exitOnUsageError));
  root.addCommand(runCommand().exitOverride(exitOnUsageError));
  root.addCommand(traceCommand().exitOverride(exitOnUsageError));
  root.addCommand(rehearseCommand().exitOverride(exitOnUsageError));
  root.addCommand(reportCommand().exitOverride(exitOnUsageError));
  root.addCommand(explainCommand().exitOverride(exitOnUsageError));
  root.addCommand(initCommand().exitOverride(exitOnUsageError));
  root.addCommand(prismaPassage());
  return root;
}

/** The connection options of every command (and DATABASE_URL): trimmed, a keyword/value string made a URL, an
 *  invalid one a usage error that never shows the password (commander's own message would quote the value). */
function normalizeConnectionOptions(command: Command): void {
  const flags: Record<string, string> = { databaseUrl: '--database-url', scratchUrl: '--scratch-url', from: '--from' };
  for (const [key, flag] of Object.entries(flags)) {
    const value = command.getOptionValue(key) as unknown;
    if (typeof value !== 'string') continue;
    try {
      command.setOptionValue(key, normalizeConnectionString(value));
    } catch (error) {
      if (!(error instanceof ConnectionStringError)) throw error;
      command.error(`error: ${flag}: ${error.message}`, { exitCode: 2 });
    }
  }
  if (command.name() === 'run' && process.env.DATABASE_URL) {
    try {
      process.env.DATABASE_URL = normalizeConnectionString(process.env.DATABASE_URL);
    } catch (error) {
      if (!(error instanceof ConnectionStringError)) throw error;
      command.error(`error: DATABASE_URL: ${error.message}`, { exitCode: 2 });
    }
  }
}

/** A package as the project resolves it, else as pgsafe itself does. */
function resolveFromProject(pkg: string): string | undefined {
  for (const base of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      return createRequire(base).resolve(pkg);
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/** Usage errors exit 2, since 1 means "error-level findings"; help and version exit 0. */
function exitOnUsageError(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

/** `pgsafe prisma ...`: the @pgsafe/prisma adapter, which the project installs next to pgsafe, loaded only when used.
 *  Its own parser reads the arguments: `migrate deploy|dev` are guarded, everything else goes to the project's prisma
 *  untouched. */
function prismaPassage(): Command {
  return new Command('prisma')
    .description('prisma with migrate deploy and migrate dev guarded by pgsafe; other commands passed through (see pgsafe prisma migrate deploy --help)')
    .argument('[args...]', 'the prisma command line')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .passThroughOptions()
    .action(async (args: string[]) => {
      const entry = resolveFromProject('@pgsafe/prisma');
      if (!entry) {
        process.stderr.write('pgsafe: error: pgsafe prisma needs the adapter package: npm install --save-dev @pgsafe/prisma\n');
        process.exit(2);
      }
      const { prismaCommand } = (await import(pathToFileURL(entry).href)) as { prismaCommand: () => Command };
      await prismaCommand().name('pgsafe prisma').parseAsync(args, { from: 'user' });
    });
}
