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
    // Options after a subcommand belong to it: `pgsafe prisma --help` reaches prisma.
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride(exitOnUsageError);
  root.addCommand(checkCommand().exitOverride(exitOnUsageError));
  root.addCommand(runCommand().exitOverride(exitOnUsageError));
  root.addCommand(prismaPassage());
  return root;
}

/** Usage errors exit 2, since 1 means "error-level findings"; help and version exit 0. */
function exitOnUsageError(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

/** `pgsafe prisma ...`: @pgsafe/prisma, loaded only when used (Prisma's config loader is heavy). Its own parser reads
 *  the arguments: `migrate deploy|dev` are guarded, everything else goes to the project's prisma untouched. */
function prismaPassage(): Command {
  return new Command('prisma')
    .description('prisma with migrate deploy and migrate dev guarded by pgsafe; other commands passed through (see pgsafe prisma migrate deploy --help)')
    .argument('[args...]', 'the prisma command line')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .passThroughOptions()
    .action(async (args: string[]) => {
      const { prismaCommand } = await import('@pgsafe/prisma');
      await prismaCommand().name('pgsafe prisma').parseAsync(args, { from: 'user' });
    });
}
