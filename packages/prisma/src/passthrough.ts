/** Every `prisma` subcommand pgsafe does not guard runs the project's own Prisma CLI, untouched. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';

/** The project's `node_modules/.bin/prisma` nearest to `cwd`, else `prisma` from PATH. */
export function prismaBinary(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', 'prisma');
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) return 'prisma';
  }
}

export class PrismaNotFoundError extends Error {
  override name = 'PrismaNotFoundError';
}

/** Runs `prisma <args>` with the terminal attached; resolves to its exit code. */
export async function runPrisma(args: readonly string[], cwd: string): Promise<number> {
  const bin = prismaBinary(cwd);
  const result = await execa(bin, args, { cwd, stdio: 'inherit', reject: false });
  if (result.failed && result.exitCode === undefined) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new PrismaNotFoundError('the Prisma CLI was not found: install it in the project (npm install --save-dev prisma) or put `prisma` on PATH');
    if (result.signal) return 128 + (signalNumber(result.signal) ?? 1);
    throw new PrismaNotFoundError(`could not run ${bin}: ${result.shortMessage}`);
  }
  return result.exitCode ?? 1;
}

function signalNumber(signal: string): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}
