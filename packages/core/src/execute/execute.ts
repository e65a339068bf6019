/**
 * execute(): runs a plan's steps on a real connection with guard rails.
 *
 * For each step, before every attempt: pre-flight (sessions that would block its traffic-blocking lock: wait for
 * them or abort, instead of queueing behind them), and removal of an INVALID index a previous build left. Then the
 * attempt: BEGIN, SET LOCAL lock_timeout / statement_timeout, the statements, COMMIT (autocommit steps: SET, the
 * statement, RESET). While it runs, a second connection names the sessions it waits behind and reads index-build
 * progress. On lock_not_available (55P03) or a deadlock the step is rolled back, INVALID leftovers are dropped, and it
 * is tried again after a back-off with jitter, with an escalating lock_timeout that never exceeds the step's, within
 * the step's retry count and wall-clock budget. Any other error stops the run. The run is `completed` only when every
 * step committed.
 *
 * Around the steps: a per-database advisory lock makes runs exclusive (a second run waits, naming the holder, or gives
 * up after `lockWaitMs`; an orphaned holder of a killed run is cancelled); the journal (`pgsafe.migration_runs`)
 * records which steps committed, so a rerun resumes after them; a CONCURRENTLY build is checked VALID afterwards and
 * an existing index of its name must have its definition; IF [NOT] EXISTS skips are reported.
 */
import type pg from 'pg';
import { pgModule } from './pg-module.js';
import type { Plan, PlannedStatement, Step } from '../plan/types.js';
import { stepCommands } from '../plan/commands.js';
import { formatDuration } from '../plan/duration.js';
import { cancelBackend, resolveTable, type Queryable, type ResolvedTable } from './catalog.js';
import { configLike, isConnectionError, openConnection } from './connection.js';
import { cleanupTable, dropIndexConcurrently, namedLeftovers, newLeftovers } from './index-cleanup.js';
import { watchStatement } from './monitor.js';
import { attemptLockTimeout, resolvePolicy, retryDelay, type ExecutePolicy, type ExecutePolicyInput } from './policy.js';
import { conflictingLockers, findBlockers, type LockTarget } from './preflight.js';
import { connectionTarget } from './redact.js';
import { describeBlocker, describeBlockers } from './describe.js';
import { endOrphan, markAlive, releaseRunLock, runLockHolder, tryRunLock, ALIVE_LOCK_KEY } from './run-lock.js';
import { ensureJournal, finishJournal, planChecksum, readJournal, startJournal, stepChecksums, stepCommittedSql } from './journal.js';
import { checkBeforeBuild, indexValid, otherDefinitionMessage } from './index-check.js';
import { sleep } from './sleep.js';
import type { AttemptResult, BlockingSession, ExecuteError, ExecuteEvent, ExecuteResult, SkippedStatement, StepResult } from './types.js';

export interface ExecuteOptions {
  /** Where to run: a connection string (the executor opens, and closes, its connections) ... */
  connectionString?: string;
  /** ... or an open client, left open afterwards. It must not be inside a transaction. */
  client?: pg.Client;
  /** The monitor connection that watches lock waits and index-build progress. Default: a second connection like
   *  the main one. `false`: none (no live blocker names or progress; pre-flight runs on the main connection). */
  monitor?: string | pg.ClientConfig | false;
  policy?: ExecutePolicyInput;
  onEvent?: (event: ExecuteEvent) => void;
  /** Aborting cancels the running statement, rolls back, drops an INVALID index it left, and fails the run. */
  signal?: AbortSignal;
  /** application_name of the migration session (default `pgsafe`); the monitor's gets `-monitor`. */
  applicationName?: string;
  /** How long to wait for another run's lock on the database (ms). Default: as long as it takes. */
  lockWaitMs?: number;
  /** Record the run's progress in `pgsafe.migration_runs` under `name` (the migration's file or ORM name): a rerun of
   *  a failed run resumes at its first uncommitted step, a completed one is not run again, and a changed migration
   *  is refused; `restart` runs from step 1 whatever the journal says. */
  journal?: { name: string; restart?: boolean; changed?: 'refuse' | 'restart' };
}

interface Ctx {
  plan: Plan;
  client: pg.Client;
  /** The monitor connection, or the main client when there is none (only used between attempts then). */
  aux: Queryable;
  monitor?: pg.Client;
  pid: number;
  ownPids: number[];
  policy: ExecutePolicy;
  emit: (event: DistributiveOmit<ExecuteEvent, 'at'>) => void;
  t0: number;
  signal?: AbortSignal;
  /** The step and statement being run, for notices. */
  currentStep: number;
  currentStatement?: PlannedStatement;
  /** The journal entry's name when progress is recorded. */
  journal?: string;
  /** Opens a connection for cleanup when both of ours are broken (closed at the end). */
  fresh: () => Promise<Queryable>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Runs the plan. Never throws for what happens in the database: the result says `failed` with the error, and which
 * steps committed. Throws `ConnectionError` only when `connectionString` cannot be connected to at all.
 */
export async function execute(plan: Plan, options: ExecuteOptions): Promise<ExecuteResult> {
  const policy = resolvePolicy(options.policy);
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const emit = (event: DistributiveOmit<ExecuteEvent, 'at'>) => options.onEvent?.({ at: since(), ...event } as ExecuteEvent);
  const appName = options.applicationName ?? 'pgsafe';

  if (!options.client && !options.connectionString) throw new TypeError('execute() needs a connectionString or a client');
  const owned = !options.client;
  const client = options.client ?? (await openConnection(options.connectionString!, { applicationName: appName }));
  const onError = () => {};
  client.on('error', onError);
  let monitor: pg.Client | undefined;
  if (options.monitor !== false) {
    const config = options.monitor ?? (options.connectionString ? options.connectionString : configLike(client));
    try {
      monitor = await openConnection(config, { applicationName: `${appName}-monitor`, connectTimeoutMs: 5000 });
    } catch (error) {
      emit({ type: 'warning', message: `no monitor connection (${(error as Error).message}): blocking sessions are named only after a lock timeout, and no build progress is shown` });
    }
  }

  const steps: StepResult[] = [];
  const skipped: SkippedStatement[] = [];
  let error: ExecuteError | undefined;
  let fresh: pg.Client | undefined;
  const freshConfig = options.connectionString ?? configLike(client);
  const ctx: Ctx = {
    plan,
    client,
    aux: monitor ?? client,
    ...(monitor ? { monitor } : {}),
    pid: 0,
    ownPids: [],
    policy,
    emit,
    t0,
    currentStep: 0,
    ...(options.signal ? { signal: options.signal } : {}),
    fresh: async () => (fresh ??= await openConnection(freshConfig, { applicationName: `${appName}-cleanup`, connectTimeoutMs: 5000 })),
  };
  const onNotice = (notice: { message?: string }) => {
    if (!notice.message) return;
    const statement = ctx.currentStatement;
    // IF [NOT] EXISTS made PostgreSQL skip the statement: nothing was done, which the summary must say.
    if (statement && /, skipping$/.test(notice.message) && /\bif\s+(not\s+)?exists\b/i.test(statement.sql)) {
      const skip = { step: ctx.currentStep, statement: statement.index, line: statement.start.line, message: notice.message };
      if (!skipped.some((k) => k.statement === skip.statement && k.message === skip.message)) {
        skipped.push(skip);
        emit({ type: 'skipped', ...skip });
      }
      return;
    }
    emit({ type: 'notice', step: ctx.currentStep, message: notice.message });
  };
  client.on('notice', onNotice);
  let locked = false;
  let startAt = 1;
  let journal: ExecuteResult['journal'];
  try {
    const info = await client.query<{ pid: number; version: string; num: string }>(
      "SELECT pg_backend_pid() AS pid, current_setting('server_version') AS version, current_setting('server_version_num') AS num",
    );
    ctx.pid = info.rows[0]!.pid;
    const monitorPid = monitor ? (await monitor.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid : undefined;
    ctx.ownPids = [ctx.pid, ...(monitorPid ? [monitorPid] : [])];
    emit({ type: 'start', steps: plan.steps.length, target: connectionTarget(options.connectionString ?? configLike(client)), serverVersion: info.rows[0]!.version });
    const num = Number(info.rows[0]!.num);
    const major = Math.floor(num / 10000);
    if (major !== plan.options.pgVersion) {
      emit({ type: 'warning', message: `the plan was made for PostgreSQL ${plan.options.pgVersion}, the server runs ${major}` });
    }
    // PostgreSQL 14+: a statement whose client is gone (pgsafe killed) is ended within a second instead of running
    // on for hours as an orphan.
    if (num >= 140000) await client.query("SET client_connection_check_interval = '1s'").catch(() => {});
    await markAlive(monitor ?? client, ctx.pid);
    error = await takeRunLock(ctx, options.lockWaitMs);
    locked = !error;
    if (locked && options.journal) {
      const resume = await openJournal(ctx, options.journal);
      if (resume.error) error = resume.error;
      else {
        startAt = resume.startAt;
        if (resume.recording) {
          ctx.journal = options.journal.name;
          journal = { name: options.journal.name, status: 'failed', stepsCommitted: startAt - 1, stepsTotal: plan.steps.length, ...(startAt > 1 ? { resumedAfter: startAt - 1 } : {}) };
        }
      }
    }
  } catch (e) {
    error = { kind: 'connection', step: 0, message: `the connection failed before the first step: ${(e as Error).message}` };
  }

  for (const step of plan.steps) {
    if (!error && step.id < startAt) {
      steps.push({ id: step.id, status: 'already-applied', attempts: [], ms: 0, preflightWaitMs: 0 });
      continue;
    }
    if (error) {
      steps.push({ id: step.id, status: 'not-run', attempts: [], ms: 0, preflightWaitMs: 0 });
      continue;
    }
    ctx.currentStep = step.id;
    const result = await runStep(ctx, step);
    ctx.currentStatement = undefined;
    steps.push(result.step);
    if (result.error) {
      error = result.error;
      emit({ type: 'step-failed', step: step.id, attempts: result.step.attempts.length, error });
    } else {
      if (journal) journal.stepsCommitted = step.id;
      emit({ type: 'step-done', step: step.id, attempts: result.step.attempts.length, ms: result.step.ms });
    }
  }
  const status = !error && steps.every((s) => s.status === 'committed' || s.status === 'already-applied') ? 'completed' : 'failed';
  if (journal) {
    journal.status = status;
    await recordEnd(ctx, journal, error).catch((e: Error) => emit({ type: 'warning', message: `the journal could not record the end of the run (${e.message})` }));
  }

  client.off('notice', onNotice);
  client.off('error', onError);
  if (owned) await client.end().catch(() => {});
  else {
    if (locked) await releaseRunLock(client).catch(() => {});
    if (!monitor) await client.query('SELECT pg_advisory_unlock($1, $2)', [ALIVE_LOCK_KEY, ctx.pid]).catch(() => {});
  }
  await monitor?.end().catch(() => {});
  await fresh?.end().catch(() => {});
  const ms = since();
  emit({ type: 'done', status, ms });
  return { status, ms, steps, skipped, ...(error ? { error } : {}), ...(journal ? { journal } : {}) };
}

/** Waits for the database's run lock; an error when `lockWaitMs` ran out or the run was aborted meanwhile. */
async function takeRunLock(ctx: Ctx, lockWaitMs: number | undefined): Promise<ExecuteError | undefined> {
  const start = performance.now();
  let shown = '';
  let lastShown = 0;
  for (;;) {
    if (await tryRunLock(ctx.client)) {
      if (shown) ctx.emit({ type: 'lock-acquired', waitedMs: Math.round(performance.now() - start) });
      return undefined;
    }
    const holder = await runLockHolder(ctx.aux);
    const waitedMs = Math.round(performance.now() - start);
    if (holder) {
      // Said again when the holder changes, and every 10 s while it does not.
      const key = `${holder.session.pid}:${holder.orphaned}`;
      if (key !== shown || waitedMs - lastShown >= 10_000) {
        ctx.emit({ type: 'lock-wait', holder: holder.session, orphaned: holder.orphaned, waitedMs });
        shown = key;
        lastShown = waitedMs;
      }
      if (holder.orphaned) {
        await endOrphan(ctx.aux, holder.session.pid);
        continue;
      }
    }
    if (ctx.signal?.aborted) return { kind: 'interrupted', step: 0, message: 'interrupted while waiting for the run lock: nothing was run' };
    if (lockWaitMs !== undefined && waitedMs >= lockWaitMs) {
      return {
        kind: 'locked',
        step: 0,
        message: `another run holds this database's run lock${holder ? ` (${describeBlocker(holder.session)})` : ''}: gave up after ${formatDuration(Math.max(waitedMs, 1))} (--lock-wait ${formatDuration(lockWaitMs)}); nothing was run`,
      };
    }
    await sleep(Math.min(250, Math.max(10, (lockWaitMs ?? Infinity) - waitedMs)), ctx.signal);
  }
}

/** Reads the journal: where to start, or why not to run. Without the privilege to create it, runs unrecorded. */
async function openJournal(ctx: Ctx, options: NonNullable<ExecuteOptions['journal']>): Promise<{ startAt: number; recording: boolean; error?: ExecuteError }> {
  const { plan, client, emit } = ctx;
  try {
    await ensureJournal(client);
  } catch (e) {
    emit({ type: 'warning', message: `no run journal (${(e as Error).message}): if this run fails, a rerun cannot know which steps committed` });
    return { startAt: 1, recording: false };
  }
  const checksum = planChecksum(plan);
  const steps = stepChecksums(plan);
  const total = plan.steps.length;
  const entry = options.restart ? undefined : await readJournal(client, options.name);
  let startAt = 1;
  if (entry) {
    const previous = { status: entry.status, error: entry.error, at: entry.updatedAt };
    const changed = entry.checksum !== checksum || entry.stepsTotal !== total;
    // Changed only after the steps it committed (a failing step fixed): those stay applied, the rest runs anew.
    const committedUnchanged = entry.status !== 'completed' && entry.stepsCommitted > 0 && entry.stepChecksums.length >= entry.stepsCommitted && entry.stepChecksums.slice(0, entry.stepsCommitted).every((c, i) => c === steps[i]);
    if (changed && committedUnchanged) {
      startAt = entry.stepsCommitted + 1;
      emit({ type: 'resume', name: options.name, committed: entry.stepsCommitted, total, previous, changedAfter: true });
    } else if (changed && options.changed === 'restart') {
      emit({ type: 'warning', message: `${options.name} changed in the steps an earlier run committed (${entry.stepsCommitted ? `1-${entry.stepsCommitted}` : 'none'} of ${entry.stepsTotal}): running it from step 1 (its IF [NOT] EXISTS guards skip what exists)` });
    } else if (changed && (entry.status === 'completed' || entry.stepsCommitted > 0)) {
      const applied = entry.status === 'completed' ? `it was completed at ${entry.updatedAt}` : `a run at ${entry.updatedAt} committed steps 1-${entry.stepsCommitted} of ${entry.stepsTotal} of the earlier text and ${entry.status === 'failed' ? 'failed' : 'stopped'}`;
      return {
        startAt: 1,
        recording: false,
        error: {
          kind: 'changed',
          step: 0,
          message: `${options.name} changed since ${applied}: nothing was run. Restore the earlier text to ${entry.status === 'completed' ? 'leave it applied' : 'resume after those steps'}, or run with --restart to run this text from step 1 (its IF [NOT] EXISTS guards skip objects that exist)`,
        },
      };
    }
    if (!changed) {
      startAt = entry.status === 'completed' ? total + 1 : entry.stepsCommitted + 1;
      if (entry.stepsCommitted > 0 || entry.status === 'completed') emit({ type: 'resume', name: options.name, committed: Math.min(total, startAt - 1), total, previous });
    }
  }
  if (startAt > total) return { startAt, recording: false };
  await startJournal(client, options.name, checksum, steps, startAt - 1);
  return { startAt, recording: true };
}

/** The end of the run in the journal, on whichever connection still works. */
async function recordEnd(ctx: Ctx, journal: NonNullable<ExecuteResult['journal']>, error: ExecuteError | undefined): Promise<void> {
  const q = await cleanupConnection(ctx);
  // An autocommit step's progress is written here when the main connection broke right after it.
  await q.query('UPDATE pgsafe.migration_runs SET steps_committed = GREATEST(steps_committed, $2) WHERE name = $1', [journal.name, journal.stepsCommitted]);
  await finishJournal(q, journal.name, journal.status, error?.message);
}

/** A connection to clean up on: the main one when it is usable, else the monitor, else a fresh one. */
async function cleanupConnection(ctx: Ctx): Promise<Queryable> {
  const usable = async (c: pg.Client | undefined) => {
    if (!c || (c.getTransactionStatus?.() ?? 'I') !== 'I') return false;
    return c.query('SELECT 1').then(() => true, () => false);
  };
  if (await usable(ctx.client)) return ctx.client;
  if (await usable(ctx.monitor)) return ctx.monitor!;
  return ctx.fresh();
}

function interrupted(step: Step): ExecuteError {
  return { kind: 'interrupted', step: step.id, message: `interrupted during step ${step.id}: it was rolled back (autocommit steps: stopped), later steps were not run` };
}

/** Resolves the step's non-new target tables in the database (skipping those that do not exist). */
async function resolveTargets(ctx: Ctx, step: Step): Promise<{ blocking: LockTarget[]; all: LockTarget[] }> {
  const all: LockTarget[] = [];
  const blocking: LockTarget[] = [];
  for (const t of step.targets) {
    if (t.newTable) continue;
    const resolved = await resolveTable(ctx.client, t.table.sql);
    if (!resolved) continue;
    const target = { ...resolved, mode: t.mode };
    all.push(target);
    if (t.blocksTraffic) blocking.push(target);
  }
  return { blocking, all };
}

async function runStep(ctx: Ctx, step: Step): Promise<{ step: StepResult; error?: ExecuteError }> {
  const { policy, emit } = ctx;
  const started = performance.now();
  const deadline = started + step.retry.budgetMs;
  const result: StepResult = { id: step.id, status: 'failed', attempts: [], ms: 0, preflightWaitMs: 0 };
  const finish = (error?: ExecuteError) => {
    result.ms = Math.round(performance.now() - started);
    if (!error) result.status = 'committed';
    return { step: result, ...(error ? { error } : {}) };
  };
  emit({ type: 'step-start', step: step.id, kind: step.kind, description: step.description });

  let targets: { blocking: LockTarget[]; all: LockTarget[] };
  let cleanup: ResolvedTable | undefined;
  try {
    targets = await resolveTargets(ctx, step);
    if (step.indexCleanup) cleanup = await cleanupTable(ctx.client, step.indexCleanup);
  } catch (e) {
    return finish(errorFrom(step, e, undefined));
  }
  // Dropping a leftover waits (without blocking reads or writes) for transactions still using the table: bounded by
  // the step's remaining budget, at least 5 s.
  const dropLeftovers = async (indexes: { oid: string; qualified: string; name: string }[]): Promise<ExecuteError | undefined> => {
    for (const index of indexes) {
      try {
        // The main connection may be broken after a failure: the monitor, or a fresh connection, runs the DROP.
        const q = await cleanupConnection(ctx);
        const bound = Math.max(5000, Math.round(deadline - performance.now()));
        await dropIndexConcurrently(q, index, { lockTimeoutMs: bound, statementTimeoutMs: bound });
        emit({ type: 'invalid-index-dropped', step: step.id, index: index.qualified });
      } catch (e) {
        return {
          kind: 'cleanup',
          step: step.id,
          message: `the INVALID index ${index.qualified} left by a failed build could not be dropped (${(e as Error).message}): drop it with DROP INDEX CONCURRENTLY IF EXISTS ${index.qualified};`,
        };
      }
    }
    return undefined;
  };

  for (let attempt = 1; ; attempt++) {
    if (ctx.signal?.aborted) return finish(interrupted(step));

    if (step.preflight && policy.preflight.mode !== 'off' && targets.blocking.length) {
      const pre = await preflight(ctx, step, targets.blocking, deadline);
      result.preflightWaitMs += pre.waitedMs;
      if (pre.error) return finish(pre.error);
    }
    if (cleanup && step.indexCleanup?.index && !step.indexCleanup.reindex) {
      try {
        const failed = await checkExistingIndex(ctx, step, step.indexCleanup.index, deadline);
        if (failed) return finish(failed);
      } catch (e) {
        return finish(errorFrom(step, e, undefined));
      }
    }
    if (cleanup && step.indexCleanup) {
      try {
        const failed = await dropLeftovers(await namedLeftovers(ctx.aux, cleanup, step.indexCleanup));
        if (failed) return finish(failed);
      } catch (e) {
        return finish(errorFrom(step, e, undefined));
      }
    }
    const before = cleanup ? new Set((await newLeftovers(ctx.aux, cleanup, new Set()).catch(() => [])).map((i) => i.oid)) : undefined;

    const lockTimeoutMs = attemptLockTimeout(step, attempt, policy);
    emit({ type: 'attempt', step: step.id, attempt, lockTimeoutMs, statementTimeoutMs: step.statementTimeoutMs });
    const attemptStart = performance.now();
    const outcome = await runAttempt(ctx, step, attempt, lockTimeoutMs);
    const record: AttemptResult = {
      attempt,
      lockTimeoutMs,
      startedMs: Math.round(attemptStart - ctx.t0),
      ms: Math.round(performance.now() - attemptStart),
      outcome: outcome.error ? 'failed' : 'committed',
      blockers: outcome.blockers,
    };
    result.attempts.push(record);
    if (!outcome.error) {
      // A build that ended over an INVALID index (skipped by IF NOT EXISTS, or left so) did not succeed.
      const index = step.indexCleanup?.index;
      const valid = index ? await indexValid(ctx.aux, index).catch(() => undefined) : undefined;
      if (valid === false) {
        record.outcome = 'failed';
        record.message = `the index ${index!.name} is INVALID after the build`;
        const failed = cleanup ? await dropLeftovers(await namedLeftovers(ctx.aux, cleanup, step.indexCleanup!).catch(() => [])) : undefined;
        if (failed) return finish(failed);
        if (attempt > step.retry.retries || performance.now() >= deadline) {
          return finish({ kind: 'index', step: step.id, message: `step ${step.id}: the index ${index!.name} was INVALID after ${attempt} builds; it was dropped` });
        }
        emit({ type: 'warning', step: step.id, message: `the index ${index!.name} was INVALID after the build: dropped, building it again` });
        continue;
      }
      if (!step.transactional && ctx.journal) {
        const { text, values } = stepCommittedSql(ctx.journal, step.id);
        await ctx.client.query(text, values).catch(() => {}); // recorded at the end of the run otherwise
      }
      return finish();
    }

    const e = outcome.error as Error & { code?: string };
    record.message = e.message;
    if (e.code) record.code = e.code;
    const connectionLost = isConnectionError(e);
    let cleanupFailed: ExecuteError | undefined;
    if (cleanup && before) {
      try {
        cleanupFailed = await dropLeftovers(await newLeftovers(await cleanupConnection(ctx), cleanup, before));
      } catch (c) {
        cleanupFailed = { kind: 'cleanup', step: step.id, message: `INVALID indexes the build may have left on ${cleanup.name} could not be looked for (${(c as Error).message})` };
      }
    }
    if (connectionLost) {
      // The real cause first; a cleanup that failed after it is said too, never instead of it.
      return finish({
        kind: 'connection',
        step: step.id,
        message: `the connection was lost during step ${step.id} (${e.message})${step.transactional ? ': its transaction was not committed, or the COMMIT could not be confirmed' : ''}${cleanupFailed ? `; ${cleanupFailed.message}` : ''}. ${ctx.journal ? 'The journal records which steps committed: running the migration again resumes after them.' : 'Check the database before running the migration again.'}`,
      });
    }
    if (cleanupFailed) return finish(cleanupFailed);
    if (ctx.signal?.aborted) return finish(interrupted(step));
    const retryable = !!e.code && policy.retryOn.includes(e.code);
    if (retryable && record.blockers.length === 0) {
      record.blockers = await conflictingLockers(ctx.aux, targets.all, ctx.ownPids).catch(() => []);
    }
    if (!retryable) return finish(errorFrom(step, e, outcome.statement));

    const delayMs = retryDelay(attempt, policy);
    const exhausted = attempt > step.retry.retries || performance.now() + delayMs >= deadline;
    if (exhausted) {
      const why = attempt > step.retry.retries ? `${attempt} attempts` : `the ${formatDuration(step.retry.budgetMs)} budget`;
      return finish({
        ...errorFrom(step, e, outcome.statement),
        kind: 'lock-timeout',
        message: `step ${step.id} gave up after ${why}: ${e.message}${record.blockers.length ? `; blocked by ${describeBlockers(record.blockers)}` : ''}`,
        blockers: record.blockers,
      });
    }
    record.delayMs = delayMs;
    emit({ type: 'retry', step: step.id, attempt, code: e.code!, message: e.message, waitedMs: record.ms, blockers: record.blockers, delayMs });
    await sleep(delayMs, ctx.signal);
  }
}

/** Before a CREATE INDEX CONCURRENTLY: an orphaned build of the index cancelled, anybody else's waited for; a VALID
 *  index of the name that IF NOT EXISTS would skip must be the one asked for. */
async function checkExistingIndex(ctx: Ctx, step: Step, index: { schema?: string; name: string }, deadline: number): Promise<ExecuteError | undefined> {
  // A step with an index cleanup is that one CREATE INDEX statement (plan.ts cleanupFor).
  const statement = step.statements[0];
  const found = await checkBeforeBuild({
    q: ctx.aux,
    compareOn: ctx.client,
    index,
    ...(statement ? { statement: { text: statement.text, ifNotExists: step.indexCleanup?.ifNotExists === true } } : {}),
    ownPids: ctx.ownPids,
    aliveLockKey: ALIVE_LOCK_KEY,
    deadline,
    budgetMs: step.retry.budgetMs,
    pollMs: ctx.policy.preflight.pollMs * 4,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onBuilder: (qualified, builder, action) => ctx.emit({ type: 'orphaned-build', step: step.id, index: qualified, pid: builder.pid, applicationName: builder.applicationName, action }),
  });
  switch (found.outcome) {
    case 'build':
      return undefined;
    case 'interrupted':
      return interrupted(step);
    case 'still-building':
      return { kind: 'index', step: step.id, message: `step ${step.id} not started: ${found.message}` };
    case 'exists':
      if (found.same === false) {
        return { kind: 'index', step: step.id, ...(statement ? { statement: { index: statement.index, line: statement.start.line, column: statement.start.column } } : {}), message: otherDefinitionMessage(found.existing) };
      }
      if (found.same === undefined) ctx.emit({ type: 'warning', step: step.id, message: `${found.existing.qualified} exists; its definition could not be compared with the migration's` });
      return undefined;
  }
}

/** Waits (or aborts) while sessions that would block the step's lock are around. */
async function preflight(ctx: Ctx, step: Step, targets: LockTarget[], deadline: number): Promise<{ waitedMs: number; error?: ExecuteError }> {
  const { policy, emit } = ctx;
  const start = performance.now();
  let lastPids = '';
  for (;;) {
    let blockers: BlockingSession[];
    try {
      blockers = await findBlockers(ctx.aux, targets, ctx.ownPids, policy.preflight);
    } catch (e) {
      emit({ type: 'warning', step: step.id, message: `pre-flight check failed (${(e as Error).message}); trying the step under its lock_timeout` });
      return { waitedMs: Math.round(performance.now() - start) };
    }
    const waitedMs = Math.round(performance.now() - start);
    if (blockers.length === 0) {
      if (!lastPids) return { waitedMs: 0 };
      emit({ type: 'preflight', step: step.id, action: 'clear', blockers: [], waitedMs });
      return { waitedMs };
    }
    const pids = blockers.map((b) => b.pid).join(',');
    const abort = policy.preflight.mode === 'abort';
    if (pids !== lastPids) emit({ type: 'preflight', step: step.id, action: abort ? 'abort' : 'wait', blockers, waitedMs });
    lastPids = pids;
    const tables = targets.map((t) => t.name).join(', ');
    if (abort) {
      return {
        waitedMs,
        error: { kind: 'preflight', step: step.id, message: `step ${step.id} not started: ${describeBlockers(blockers)} would block its lock on ${tables}`, blockers },
      };
    }
    if (ctx.signal?.aborted) return { waitedMs, error: interrupted(step) };
    if (performance.now() + policy.preflight.pollMs >= deadline) {
      return {
        waitedMs,
        error: {
          kind: 'preflight',
          step: step.id,
          message: `step ${step.id} not started: still blocked after ${formatDuration(waitedMs)} (budget ${formatDuration(step.retry.budgetMs)}) by ${describeBlockers(blockers)} on ${tables}`,
          blockers,
        },
      };
    }
    await sleep(policy.preflight.pollMs, ctx.signal);
  }
}

/** One attempt: the step's commands in order; on failure a transaction is rolled back. */
async function runAttempt(ctx: Ctx, step: Step, attempt: number, lockTimeoutMs: number): Promise<{ error?: unknown; statement?: PlannedStatement; blockers: BlockingSession[] }> {
  const { client, policy, emit } = ctx;
  const commands = stepCommands(step, lockTimeoutMs);
  let current: PlannedStatement | undefined;
  const building = step.kind === 'create-index-concurrently' || step.kind === 'reindex-concurrently' || step.statements.some((s) => /^\s*(create\s+(unique\s+)?index|reindex)\b/i.test(s.sql));
  const watch = ctx.monitor
    ? watchStatement(ctx.monitor, ctx.pid, {
        intervalMs: lockTimeoutMs > 0 ? Math.max(20, Math.min(policy.monitorIntervalMs, Math.round(lockTimeoutMs / 3))) : policy.monitorIntervalMs,
        ...(building ? { progressIntervalMs: policy.progressIntervalMs } : {}),
        onBlocked: (blockers, waitedMs) => emit({ type: 'blocked', step: step.id, attempt, statement: current?.index ?? -1, waitedMs, blockers }),
        onProgress: (progress) => emit({ type: 'progress', step: step.id, progress }),
      })
    : undefined;
  const onAbort = () => {
    if (ctx.monitor) void cancelBackend(ctx.monitor, ctx.pid).catch(() => {});
  };
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (const sql of commands.setup) await client.query(sql);
    for (const { statement, before } of commands.statements) {
      current = statement;
      ctx.currentStatement = statement;
      for (const sql of before) await client.query(sql);
      if (ctx.signal?.aborted) throw Object.assign(new Error('interrupted'), { code: '57014' });
      await client.query(statement.sql);
    }
    current = undefined;
    // The journal's progress commits with the step, or not at all.
    if (step.transactional && ctx.journal) {
      const { text, values } = stepCommittedSql(ctx.journal, step.id);
      await client.query(text, values);
    }
    for (const sql of commands.finish) await client.query(sql);
    await watch?.stop();
    return { blockers: watch?.blockers() ?? [] };
  } catch (error) {
    if (step.transactional && !isConnectionError(error)) await client.query('ROLLBACK').catch(() => {});
    await watch?.stop();
    return { error, ...(current ? { statement: current } : {}), blockers: watch?.blockers() ?? [] };
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
    if (!step.transactional) for (const sql of commands.reset) await client.query(sql).catch(() => {});
  }
}

/** An error of a statement, located in the migration file. */
function errorFrom(step: Step, error: unknown, statement: PlannedStatement | undefined): ExecuteError {
  const e = error as pg.DatabaseError;
  const out: ExecuteError = {
    kind: isConnectionError(error) && !(error instanceof pgModule().DatabaseError) ? 'connection' : 'sql',
    step: step.id,
    message: e.message ?? String(error),
  };
  if (e.code) out.code = e.code;
  if (e.detail) out.detail = e.detail;
  if (e.hint) out.hint = e.hint;
  if (statement) {
    let { line, column } = statement.start;
    // PostgreSQL's error position counts characters of the statement as sent; map it when we sent it as written.
    const position = Number(e.position);
    if (position > 0 && statement.sql === statement.text) {
      const before = statement.text.slice(0, position - 1).split('\n');
      line += before.length - 1;
      column = before.length > 1 ? before.at(-1)!.length + 1 : column + position - 1;
    }
    out.statement = { index: statement.index, line, column };
  }
  return out;
}
