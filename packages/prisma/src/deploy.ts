/**
 * `pgsafe prisma migrate deploy`: Prisma's apply algorithm (advisory lock, `_prisma_migrations`, P3005/P3009/P3018)
 * with each pending migration.sql checked first and run by core's executor instead of the schema engine.
 */
import { ConnectionError, connectionTarget, DeployBatch, LARGE_TABLE_ROWS, liveContext, execute, quoteIdent, formatDuration, loadParser, NEWEST_PG_VERSION, OLDEST_PG_VERSION, openConnection, type ExecuteResult, type PgsafeConfig, type PreflightPolicy } from '@pgsafe/core';
import { join, relative } from 'node:path';
import type pg from 'pg';
import { Bookkeeping, failedRows, p3009, pendingNames, PrismaMigrateError } from './bookkeeping.js';
import { checkMigration, type CheckedMigration } from './check.js';
import { checksumMatches, listMigrations, lockedProvider, type MigrationDir } from './migrations.js';
import { printEvent, printFindings, type Output } from './output.js';
import { renderFinding, stepRange } from '@pgsafe/core';
import { pgTarget } from './url.js';

export interface DeployOptions {
  migrationsDir: string;
  /** The Prisma datasource URL. */
  url: string;
  config: PgsafeConfig;
  /** Rule ids whose error-level findings do not block. */
  allow?: readonly string[];
  /** How long to wait for Prisma's advisory lock; 0 (default) waits until the other migration run ends. */
  lockWaitMs?: number;
  preflight?: PreflightPolicy['mode'];
  out: Output;
  signal?: AbortSignal;
  /** Every finding in full; by default blocking findings are grouped by rule (count, first example, places). */
  verbose?: boolean;
}

export interface DeployResult {
  status: 'applied' | 'up-to-date' | 'refused' | 'failed';
  /** Migrations applied and recorded as finished, in order. */
  applied: string[];
  /** Refused migrations with their blocking findings or problem. */
  refused: CheckedMigration[];
  /** The migration that failed, recorded as failed in `_prisma_migrations`. */
  failed?: { name: string; result: ExecuteResult; recorded: boolean };
}

/** Throws PrismaMigrateError (P1002, P3005, P3009) before touching anything, and ConnectionError. */
export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const { out } = options;
  const { c } = out;
  const provider = lockedProvider(options.migrationsDir);
  if (provider !== undefined && provider !== 'postgresql' && provider !== 'postgres') {
    throw new PrismaMigrateError('P3019', `The datasource provider \`postgresql\` does not match the one specified in ${shown(join(options.migrationsDir, 'migration_lock.toml'))}, \`${provider}\`. These migrations were written for another database.`);
  }
  const local = listMigrations(options.migrationsDir);
  const target = pgTarget(options.url);
  const client = await openOrCreate(target.url, options.out);
  const book = new Bookkeeping(client, target.schema);
  try {
    out.say(`Datasource: PostgreSQL database at ${connectionTarget(target.url)}, schema "${target.schema}"`);
    out.say(`${local.length} migration${local.length === 1 ? '' : 's'} found in ${shown(options.migrationsDir)}`);
    await book.lock(options.lockWaitMs ?? 0, (pid) => out.say(c.yellow(`Waiting for Prisma's advisory lock (pg_advisory_lock(72707369)), held by ${pid ? `pid ${pid}` : 'another session'}: another migration run is in progress.`)));
    try {
      return await deployLocked(options, local, target.url, client, book);
    } finally {
      await book.unlock().catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

async function deployLocked(options: DeployOptions, local: MigrationDir[], url: string, client: pg.Client, book: Bookkeeping): Promise<DeployResult> {
  const { out } = options;
  const { c } = out;
  const exists = await book.tableExists();
  if (!exists && !(await book.schemaIsEmpty())) {
    throw new PrismaMigrateError('P3005', `The database schema "${book.schema}" is not empty. Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline`);
  }
  const rows = exists ? await book.rows() : [];
  const failed = failedRows(rows);
  if (failed.length) throw p3009(failed);

  // Reported, never fatal for deploy (Prisma's `migrate dev` and `migrate status` are the ones that complain).
  const byName = new Map(local.map((m) => [m.name, m]));
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    const dir = byName.get(row.migration_name);
    if (!dir) out.warn(c.yellow(`warning: ${row.migration_name} is recorded as applied but not found in ${shown(options.migrationsDir)}.`));
    else if (!checksumMatches(row.checksum, dir.script)) out.warn(c.yellow(`warning: ${shown(dir.file)} was modified after it was applied (checksum differs from _prisma_migrations); prisma migrate dev will ask to reset. Restore the file as it was applied.`));
  }

  const pending = pendingNames(local.map((m) => m.name), rows).map((n) => byName.get(n)!);
  if (!pending.length) {
    if (!exists) await book.createTable();
    out.say('No pending migrations to apply.');
    return { status: 'up-to-date', applied: [], refused: [] };
  }

  const major = Math.floor(Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v) / 10000);
  if (major < OLDEST_PG_VERSION) throw new PrismaMigrateError('P1000', `PostgreSQL ${major} is not supported by pgsafe (${OLDEST_PG_VERSION} or newer)`);
  const pgVersion = options.config.pgVersion ?? Math.min(major, NEWEST_PG_VERSION);

  // Every pending migration is checked before the first one runs: a refusal leaves the database untouched.
  await loadParser();
  out.say(`${pending.length} pending migration${pending.length === 1 ? '' : 's'}:`);
  // One batch: a table an earlier pending migration creates is new (and empty) to the later ones; the others are
  // measured in the live database.
  const largeTableRows = options.config.run?.largeTableRows ?? LARGE_TABLE_ROWS;
  const batch = new DeployBatch({ largeTableRows, ...liveContext((sql, params) => client.query(sql, params), largeTableRows) });
  const checked: CheckedMigration[] = [];
  for (const m of pending) checked.push(await checkMigration(m.name, shown(m.file), m.script, { config: options.config, pgVersion, allow: options.allow ?? [] }, batch));
  const refused = checked.filter((m) => m.problem || m.blocking.length);
  // A refusal is told compactly (a line per migration, the findings grouped by rule), so that a refused history
  // reads in a screen; a deploy that goes ahead, or --verbose, shows each migration's findings.
  const compact = refused.length > 0 && !options.verbose;
  for (const m of checked) {
    const steps = m.plan ? c.dim(` (${m.plan.steps.length} step${m.plan.steps.length === 1 ? '' : 's'})`) : '';
    if (compact) out.say(`  ${m.name}${steps}${tally(m, c)}`);
    else {
      out.say(`  ${m.name}${steps}`);
      printFindings(out, m.findings, m.blocking, m.source, m.passed);
    }
    if (m.problem) out.say(`${c.bold(`${m.file}:${m.problem.line}:${m.problem.column}`)}: ${c.red(c.bold('error'))}: ${m.problem.message}`);
  }
  if (refused.length) {
    if (compact) printByRule(out, refused);
    const ids = [...new Set(refused.flatMap((m) => m.blocking.map((f) => f.rule)))];
    out.say(
      c.red(c.bold(`Refused: ${refused.length === 1 ? refused[0]!.name : `${refused.length} migrations (${refused[0]!.name} first)`} would be unsafe or cannot run as written. Nothing was applied.`)) +
        (ids.length ? `\nFix the migration following the recipe (before it is applied anywhere), or accept the risk with ${ids.map((id) => `--allow ${id}`).join(' ')}.` : ''),
    );
    return { status: 'refused', applied: [], refused };
  }

  if (!(await book.tableExists())) await book.createTable();
  const applied: string[] = [];
  for (const m of checked) {
    const dir = byName.get(m.name)!;
    const planned = m.plan!;
    out.say(c.bold(`Applying migration \`${m.name}\``) + c.dim(` (${planned.steps.length} step${planned.steps.length === 1 ? '' : 's'}, lock_timeout ${formatDuration(planned.options.lockTimeoutMs)})`));
    // A migration whose last attempt failed and was marked rolled back (`prisma migrate resolve --rolled-back`)
    // resumes after the steps that attempt committed, as pgsafe's journal records them; any other run starts at
    // step 1 (after `migrate reset` the journal's entry describes a database that is gone).
    const resumable = rows.some((r) => r.migration_name === m.name && r.rolled_back_at !== null && r.finished_at === null);
    const id = await book.started(m.name, dir.checksum);
    const result = await execute(planned, {
      client,
      monitor: url,
      applicationName: 'pgsafe-prisma',
      // Prisma's own rule after `resolve --rolled-back`: the user fixed what they changed, so a file changed in its
      // committed steps runs again from step 1 rather than being refused.
      journal: { name: `prisma:${book.schema}:${m.name}`, restart: !resumable, changed: 'restart' },
      ...(options.signal ? { signal: options.signal } : {}),
      policy: { preflight: { mode: options.preflight ?? options.config.run?.preflight ?? 'wait' } },
      onEvent: (e) => printEvent(out, e),
    });
    if (result.status === 'completed') {
      await book.finished(id);
      applied.push(m.name);
      continue;
    }
    const recorded = await recordFailure(book, id, m.name, result, planned.steps.length, url);
    printFailure(out, m, result, applied);
    return { status: 'failed', applied, refused: [], failed: { name: m.name, result, recorded } };
  }
  out.say(c.bold(`All migrations have been successfully applied: ${applied.join(', ')}`));
  return { status: 'applied', applied, refused: [] };
}

/** Connects; like Prisma's `migrate deploy`, creates the URL's database when it does not exist yet (3D000), from the
 *  server's maintenance database, and says so. */
async function openOrCreate(url: string, out: Output): Promise<pg.Client> {
  try {
    return await openConnection(url, { applicationName: 'pgsafe-prisma' });
  } catch (error) {
    if (!(error instanceof ConnectionError) || error.code !== '3D000') throw error;
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const maintenance = new URL(url);
    maintenance.pathname = '/postgres';
    const admin = await openConnection(maintenance.toString(), { applicationName: 'pgsafe-prisma' });
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } finally {
      await admin.end().catch(() => {});
    }
    out.say(`PostgreSQL database ${name} created at ${connectionTarget(maintenance.toString()).replace(/\/postgres$/, '')}`);
    return openConnection(url, { applicationName: 'pgsafe-prisma' });
  }
}

/** `: 2 errors (require-concurrent-index-creation), 1 warning` for a migration's line. */
function tally(m: CheckedMigration, c: Output['c']): string {
  const warnings = m.findings.length - m.blocking.length;
  const parts = [
    ...(m.blocking.length ? [c.red(`${m.blocking.length} error${m.blocking.length === 1 ? '' : 's'} (${[...new Set(m.blocking.map((f) => f.rule))].join(', ')})`)] : []),
    ...(warnings ? [c.yellow(`${warnings} warning${warnings === 1 ? '' : 's'}`)] : []),
    ...(m.passed.length ? [c.dim(`${m.passed.length} let through (empty or new tables)`)] : []),
  ];
  return parts.length ? `: ${parts.join(', ')}` : '';
}

/** The blocking findings of a refused deploy grouped by rule: the count, the first example in full, the other
 *  places one line each (a few), so that a refused history reads in a screen, not in thousands of lines. */
function printByRule(out: Output, refused: CheckedMigration[]): void {
  const { c } = out;
  const byRule = new Map<string, { m: CheckedMigration; f: CheckedMigration['blocking'][number] }[]>();
  for (const m of refused) for (const f of m.blocking) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), { m, f }]);
  const PLACES = 5;
  for (const [rule, all] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
    const migrations = new Set(all.map((x) => x.m.name)).size;
    out.say('');
    out.say(c.bold(`${rule}: ${all.length} finding${all.length === 1 ? '' : 's'} in ${migrations} migration${migrations === 1 ? '' : 's'}. The first:`));
    out.say(renderFinding(all[0]!.f, all[0]!.m.source, c));
    const rest = all.slice(1);
    for (const { f } of rest.slice(0, PLACES)) out.say(`  also ${c.bold(`${f.file}:${f.start.line}:${f.start.column}`)} ${f.message}`);
    if (rest.length > PLACES) out.say(c.dim(`  ... and ${rest.length - PLACES} more (--verbose shows every finding in full, --format json all of them as data)`));
  }
  out.say('');
}

/** Paths in messages as the user would type them: relative to the working directory when under it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The row stays unfinished with the error in `logs`, as Prisma's `record_failed_step` leaves it (P3009 from then on).
 *  If the session broke, the logs are written from a fresh connection. */
async function recordFailure(book: Bookkeeping, id: string, name: string, result: ExecuteResult, steps: number, url: string): Promise<boolean> {
  const e = result.error!;
  const committed = result.steps.filter((s) => s.status === 'committed' || s.status === 'already-applied').length;
  const logs = [
    `Database error code: ${e.code ?? 'none'}`,
    '',
    'Database error:',
    `ERROR: ${e.message}`,
    ...(e.detail ? [`DETAIL: ${e.detail}`] : []),
    ...(e.hint ? [`HINT: ${e.hint}`] : []),
    '',
    `pgsafe: migration ${name} failed at step ${e.step} of ${steps}${e.statement ? ` (line ${e.statement.line})` : ''} (${e.kind}); ${committed} step${committed === 1 ? '' : 's'} committed before the failure.`,
  ].join('\n');
  try {
    await book.failed(id, logs);
    return true;
  } catch {
    const fresh = await openConnection(url, { applicationName: 'pgsafe-prisma' }).catch(() => undefined);
    if (!fresh) return false;
    try {
      await new Bookkeeping(fresh, book.schema).failed(id, logs);
      return true;
    } catch {
      return false;
    } finally {
      await fresh.end().catch(() => {});
    }
  }
}

function printFailure(out: Output, m: CheckedMigration, result: ExecuteResult, applied: string[]): void {
  const { c } = out;
  const e = result.error!;
  const committed = result.steps.filter((s) => s.status === 'committed' || s.status === 'already-applied').length;
  out.say(
    [
      c.red(c.bold('P3018: A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve')),
      '',
      `Migration name: ${m.name}`,
      `Failed at step ${e.step} of ${m.plan!.steps.length}${e.statement ? `: ${m.file}:${e.statement.line}:${e.statement.column}` : ''}`,
      '',
      `Database error code: ${e.code ?? 'none'}`,
      `Database error: ${e.message}`,
      ...(e.detail ? [`  detail: ${e.detail}`] : []),
      ...(e.hint ? [`  hint: ${e.hint}`] : []),
      '',
      committed
        ? `Applied: ${stepRange(1, committed)} of ${m.plan!.steps.length} of ${m.name} (recorded in pgsafe.migration_runs). To continue: fix the cause (edit only steps after ${committed} if the file must change), run \`prisma migrate resolve --rolled-back ${m.name}\`, then deploy again: pgsafe resumes at step ${committed + 1}.`
        : `Nothing of ${m.name} was applied. Run \`prisma migrate resolve --rolled-back ${m.name}\`, then deploy again.`,
      ...(applied.length ? [`Applied before it: ${applied.join(', ')}`] : []),
    ].join('\n'),
  );
}
