/** `pgsafe fix --write` proves its rewrite before writing it: on a scratch server (the one given, or a throwaway
 *  embedded PostgreSQL started once for all the files), the migrations before the file and a few sample rows build
 *  the starting point, the original and the fixed deploys run on copies of it, and their end states must be equal. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseMigration, sampleRowsSql, verifyFix, type FixResult, type ParsedMigration, type Verdict } from '@pgsafe/core';
import { startScratchServer, type ScratchServer } from './scratch-server.js';

/** The migrations that run before `file` in its folder, in their runner's order (names sort as they run): for Prisma
 *  the earlier `<dir>/migration.sql`, for the others the earlier `.sql` files beside it. Undefined when one of them
 *  does not parse. */
export function earlierMigrations(file: string, runner: string): ParsedMigration[] | undefined {
  const paths =
    runner === 'prisma'
      ? (() => {
          const dir = dirname(file);
          const root = dirname(dir);
          return readdirSync(root)
            .filter((d) => d < basename(dir) && existsSync(join(root, d, 'migration.sql')))
            .sort()
            .map((d) => join(root, d, 'migration.sql'));
        })()
      : readdirSync(dirname(file))
          .filter((f) => f.endsWith('.sql') && f < basename(file) && !/\.deploy\d+\.sql$/.test(f))
          .sort()
          .map((f) => join(dirname(file), f));
  try {
    return paths.map((p) => parseMigration(readFileSync(p, 'utf8'), p));
  } catch {
    return undefined;
  }
}

export class FixVerifier {
  #server: Promise<ScratchServer> | undefined;

  constructor(private readonly scratchUrl?: string) {}

  async verify(migration: ParsedMigration, result: FixResult, earlier: ParsedMigration[] | undefined): Promise<Verdict> {
    if (!earlier) return { status: 'unverifiable', reason: 'an earlier migration of the folder does not parse' };
    let adminUrl = this.scratchUrl;
    if (!adminUrl) {
      try {
        adminUrl = (await (this.#server ??= startScratchServer())).url;
      } catch (error) {
        return { status: 'unverifiable', reason: `no scratch server: ${(error as Error).message.split('\n')[0]} (give --scratch-url)` };
      }
    }
    return verifyFix(migration, result, { adminUrl, earlier, seed: sampleRowsSql() });
  }

  async stop(): Promise<void> {
    const server = await this.#server?.catch(() => undefined);
    await server?.stop();
  }
}
