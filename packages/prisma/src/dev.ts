/**
 * `pgsafe prisma migrate dev`: Prisma's engine still diffs the schema and writes the migration (`--create-only`),
 * pgsafe applies. Order matters: `prisma migrate dev --create-only` applies pending migrations itself before it
 * creates the new one, so pgsafe applies them first; then it checks the new migration, offers the safe rewrite
 * (statements that cannot run in a transaction, CONCURRENTLY, NOT VALID + VALIDATE, each in a migration directory
 * of its own so that Prisma's own runner also handles them), and applies it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { DeployBatch, LARGE_TABLE_ROWS, loadParser, NEWEST_PG_VERSION, openConnection, parseMigration, fix, renderPrismaMigrations, type PgsafeConfig } from '@pgsafe/core';
import type { DevOptions } from './command.js';
import { checkMigration } from './check.js';
import { deploy, type DeployResult } from './deploy.js';
import { listMigrations, type MigrationDir } from './migrations.js';
import { printFindings, type Output } from './output.js';
import { runPrisma } from './passthrough.js';
import type { PrismaProject } from './project.js';
import { pgTarget } from './url.js';

export interface MigrateDevInput {
  cwd: string;
  project: PrismaProject;
  url: string;
  config: PgsafeConfig;
  options: DevOptions;
  out: Output;
  signal: AbortSignal;
  deployPolicy: { lockWaitMs?: number; preflight?: 'wait' | 'abort' | 'off' };
}

/** Resolves to the exit code. */
export async function migrateDev(input: MigrateDevInput): Promise<number> {
  const { options, out, project } = input;
  const { c } = out;
  const apply = (): Promise<DeployResult> =>
    deploy({ migrationsDir: project.migrationsDir, url: input.url, config: input.config, allow: options.allow, ...input.deployPolicy, out, signal: input.signal });

  const before = await apply();
  if (before.status === 'refused') {
    // A pending migration written earlier (--create-only, or by hand) and refused: offer its safe rewrite now, as for
    // a new one (it has not been applied to this database; pgsafe cannot know about others).
    const pgVersion = input.config.pgVersion ?? (await serverMajor(input.url));
    await loadParser();
    let rewritten = false;
    for (const refused of before.refused) {
      const m = listMigrations(project.migrationsDir).find((d) => d.name === refused.name);
      if (m && (await review(input, m, pgVersion))) rewritten = true;
    }
    if (!rewritten) return 1;
    const again = await apply();
    if (again.status === 'refused' || again.status === 'failed') return 1;
  }
  if (before.status === 'failed') return 1;

  const known = new Set(listMigrations(project.migrationsDir).map((m) => m.name));
  const forwarded = [
    ...(options.name !== undefined ? ['--name', options.name] : []),
    ...(options.schema ? ['--schema', options.schema] : []),
    ...(options.config ? ['--config', options.config] : []),
    ...(options.url ? ['--url', options.url] : []),
    ...(options.passThrough ?? []),
  ];
  out.say(c.dim(`$ prisma migrate dev --create-only ${forwarded.join(' ')}`.trimEnd()));
  const code = await runPrisma(['migrate', 'dev', '--create-only', ...forwarded], input.cwd);
  const written = listMigrations(project.migrationsDir).filter((m) => !known.has(m.name));
  if (code !== 0 && written.length) {
    // Prisma wrote the migration, then failed (e.g. generating the client): the migration is there to check.
    out.warn(`pgsafe: ${c.red(c.bold('error'))}: \`prisma migrate dev --create-only\` exited ${code} after writing ${written.map((m) => m.name).join(', ')}: checked below, not applied. Fix what Prisma reported above, then run ${c.bold('pgsafe prisma migrate dev')} again to apply it.`);
    await loadParser();
    const pgVersion = input.config.pgVersion ?? (await serverMajor(input.url));
    for (const m of written) await review(input, m, pgVersion);
    return code;
  } else if (code !== 0) {
    out.warn(
      `pgsafe: ${c.red(c.bold('error'))}: \`prisma migrate dev --create-only\` failed (exit ${code}), so no migration was created. pgsafe needs Prisma's schema engine to diff the schema and write the migration.\n` +
        "  If the engine is unavailable (Prisma downloads it on first use, which fails offline or behind a blocking proxy), install it where the network allows, or point PRISMA_SCHEMA_ENGINE_BINARY at a schema-engine binary.\n" +
        '  Migrations you wrote by hand can be checked and applied without the engine: `pgsafe prisma migrate deploy`.',
    );
    return code;
  }

  const created = written;
  await loadParser();
  const fresh: MigrationDir[] = [];
  for (const m of created) {
    // Prisma writes an empty draft under --create-only even when the schema is in sync; plain `migrate dev` does not.
    if (!options.createOnly && parseMigration(m.script, m.file).statements.length === 0) {
      rmSync(join(project.migrationsDir, m.name), { recursive: true, force: true });
      out.say('Already in sync, no schema change or pending migration was found.');
      continue;
    }
    fresh.push(m);
  }

  const pgVersion = input.config.pgVersion ?? (await serverMajor(input.url));
  for (const m of fresh) await review(input, m, pgVersion);

  if (options.createOnly) {
    out.say(`Review the migration${fresh.length === 1 ? '' : 's'}, then apply with ${c.bold('pgsafe prisma migrate dev')} (or deploy).`);
    return 0;
  }
  if (!fresh.length) return 0;
  const after = await apply();
  if (after.status === 'refused') out.say(`Edit the migration as the recipe says (it has not been applied anywhere yet), then run ${c.bold('pgsafe prisma migrate dev')} again.`);
  return after.status === 'refused' || after.status === 'failed' ? 1 : 0;
}

/** Findings for the new migration, and the safe rewrite when it changes anything: applied with --rewrite or on
 *  confirmation, shown otherwise. */
async function review(input: MigrateDevInput, m: MigrationDir, pgVersion: number): Promise<boolean> {
  const { out, options, project } = input;
  const { c } = out;
  // Judged as written, before it is applied: the dev database's sizes say nothing about production's.
  const batch = new DeployBatch({ largeTableRows: input.config.run?.largeTableRows ?? LARGE_TABLE_ROWS });
  const checked = await checkMigration(m.name, relative(input.cwd, m.file), m.script, { config: input.config, pgVersion, allow: options.allow }, batch);
  out.say(c.bold(`Checked ${m.name}:`) + (checked.findings.length ? '' : ' no findings.'));
  printFindings(out, checked.findings, checked.blocking, m.script);
  if (!checked.migration) return false;
  const fixed = fix(checked.migration, { pgVersion, runnerSetsTimeouts: true });
  if (!fixed.changes.length) return false;
  const files = renderPrismaMigrations(fixed, m.name);
  const dirs = files.map((f) => dirname(f.path));
  out.say(c.bold('Safe rewrite:'));
  for (const change of fixed.changes) out.say(`  ${checked.file}:${change.line}: ${change.message}`);
  if (fixed.todos.length) {
    // A placeholder would fail in the middle of the apply: the user chooses first.
    for (const todo of fixed.todos) out.say(`  ${checked.file}:${todo.line}: to do: ${todo.message}`);
    out.say(`  Not rewritten: choose first, then ${c.bold(`pgsafe fix --runner prisma ${checked.file} --value <column>=<sql> --write`)}.`);
    return false;
  }
  out.say(`  ${files.length} migration directories, one per step (Prisma runs each file in one transaction; a CONCURRENTLY build or a batched backfill must be alone):`);
  for (const [i, f] of files.entries()) out.say(`    ${dirs[i]}${f.deploy > 1 ? c.dim(` (deploy ${f.deploy}: ${fixed.deploys[f.deploy - 1]!.before})`) : ''}`);
  const accepted = options.rewrite ?? (process.stdin.isTTY && process.stdout.isTTY ? await confirm('Apply the rewrite to the new migration? [Y/n] ') : false);
  if (!accepted) {
    out.say(`  Not rewritten${options.rewrite === false ? '' : ' (run with --rewrite to accept it without a prompt)'}.`);
    return false;
  }
  for (const f of files) {
    mkdirSync(join(project.migrationsDir, dirname(f.path)), { recursive: true });
    writeFileSync(join(project.migrationsDir, f.path), f.sql);
  }
  out.say(`  Rewritten: ${dirs.join(', ')}`);
  return true;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return !/^n/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function serverMajor(url: string): Promise<number> {
  const client = await openConnection(pgTarget(url).url, { applicationName: 'pgsafe-prisma' });
  try {
    const num = Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
    return Math.min(Math.floor(num / 10000), NEWEST_PG_VERSION);
  } finally {
    await client.end().catch(() => {});
  }
}
