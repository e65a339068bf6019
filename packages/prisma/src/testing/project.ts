/** Test support: a throwaway Prisma project on disk, and the built `pgsafe-prisma` run as a user would run it. */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
/** `pgsafe` itself, whose `prisma` subcommand loads this package. */
export const PGSAFE_BIN = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

export interface TestProject {
  dir: string;
  migrations: string;
  /** Writes prisma/migrations/<name>/migration.sql; returns its path. */
  migration(name: string, sql: string): string;
  /** Runs `pgsafe-prisma <args>` (or another `bin`) in the project. */
  run(args: string[], env?: Record<string, string>, bin?: string): Promise<RunResult>;
  /** The same, without waiting: for concurrent runs. */
  start(args: string[], env?: Record<string, string>, bin?: string): Running;
  /** Puts a stand-in `prisma` executable in node_modules/.bin that records its argv, runs `script` (shell), exits `code`. */
  fakePrisma(options?: { code?: number; script?: string }): { calls(): string[][] };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  /** Resolves when the output so far contains `text`. */
  output(text: string): Promise<void>;
  done: Promise<RunResult>;
}

export function testProject(url: string, options: { config?: string } = {}): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'pgsafe-prisma-'));
  const migrations = join(dir, 'prisma', 'migrations');
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(dir, 'prisma', 'schema.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n');
  writeFileSync(
    join(dir, 'prisma.config.ts'),
    options.config ?? `export default {\n  schema: 'prisma/schema.prisma',\n  migrations: { path: 'prisma/migrations' },\n  datasource: { url: ${JSON.stringify(url)} },\n};\n`,
  );
  const start = (args: string[], env: Record<string, string> = {}, bin = BIN): Running => {
    const full: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
    delete full.FORCE_COLOR;
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const waiters: { text: string; resolve: () => void }[] = [];
    const poke = () => {
      for (const w of [...waiters]) if (stdout.includes(w.text)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    };
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), poke()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<RunResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return {
      done,
      output: (text) =>
        new Promise<void>((resolve, reject) => {
          waiters.push({ text, resolve });
          poke();
          void done.then((r) => reject(new Error(`exited (${r.code}) without printing ${JSON.stringify(text)}:\n${r.stdout}\n${r.stderr}`)));
        }),
    };
  };
  return {
    dir,
    migrations,
    migration(name, sql) {
      mkdirSync(join(migrations, name), { recursive: true });
      const file = join(migrations, name, 'migration.sql');
      writeFileSync(file, sql);
      return file;
    },
    start,
    run: (args, env, bin) => start(args, env, bin).done,
    fakePrisma({ code = 0, script = '' } = {}) {
      const bin = join(dir, 'node_modules', '.bin');
      mkdirSync(bin, { recursive: true });
      const log = join(dir, 'prisma-calls.log');
      writeFileSync(log, '');
      writeFileSync(
        join(bin, 'prisma'),
        `#!/bin/sh\nnode -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")' ${JSON.stringify(log)} "$@"\n${script}\nexit ${code}\n`,
      );
      chmodSync(join(bin, 'prisma'), 0o755);
      return {
        calls: () =>
          readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as string[]),
      };
    },
  };
}
