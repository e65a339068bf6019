/** One-line descriptions of blocking sessions and executor events, for logs and the CLI. */
import { formatDuration as timeout } from '../plan/duration.js';

/** Elapsed time: like a timeout's form, but 0 is `0ms`, not `none`. */
const formatDuration = (ms: number) => (ms <= 0 ? '0ms' : timeout(ms));
import type { BlockingSession, ExecuteEvent, IndexBuildProgress } from './types.js';

/** `pid 4242 (idle in transaction for 5.1s, transaction 5.3s, app "report"): SELECT count(*) FROM items` */
export function describeBlocker(b: BlockingSession): string {
  const parts: string[] = [];
  if (b.state) parts.push(b.stateAgeMs !== null && b.state !== 'active' ? `${b.state} for ${formatDuration(b.stateAgeMs)}` : b.state);
  if (b.xactAgeMs !== null) parts.push(`transaction ${formatDuration(b.xactAgeMs)}`);
  if (b.lock) parts.push(`${b.lock.granted ? 'holds' : 'waits for'} ${b.lock.mode} on ${b.lock.table}`);
  if (b.applicationName) parts.push(`app "${b.applicationName}"`);
  if (b.backendType && b.backendType !== 'client backend') parts.push(b.backendType);
  return `pid ${b.pid}${parts.length ? ` (${parts.join(', ')})` : ''}${b.query ? `: ${b.query}` : ''}`;
}

export function describeBlockers(blockers: BlockingSession[]): string {
  if (blockers.length === 0) return 'no session seen';
  return blockers.map(describeBlocker).join('; ');
}

/** `building index: scanning table 45% (1200/2660 blocks)` */
export function describeProgress(p: IndexBuildProgress): string {
  const pct = p.fraction === null ? '' : ` ${Math.floor(p.fraction * 100)}%`;
  const counts =
    p.blocksTotal > 0 ? ` (${p.blocksDone}/${p.blocksTotal} blocks)` : p.tuplesTotal > 0 ? ` (${p.tuplesDone}/${p.tuplesTotal} tuples)` : p.lockersTotal > 0 ? ` (${p.lockersDone}/${p.lockersTotal} transactions)` : '';
  return `${p.index ?? 'index'}: ${p.phase}${pct}${counts}`;
}

/** `step 3` or `steps 1-4`. */
export function stepRange(first: number, last: number): string {
  return first === last ? `step ${first}` : `steps ${first}-${last}`;
}

/** One line per event (no trailing newline). */
export function describeEvent(e: ExecuteEvent): string {
  const step = 'step' in e && e.step ? `step ${e.step}: ` : '';
  switch (e.type) {
    case 'start':
      return `connected to ${e.target ?? 'the database'}${e.serverVersion ? ` (PostgreSQL ${e.serverVersion})` : ''}; ${e.steps} step${e.steps === 1 ? '' : 's'} to run`;
    case 'warning':
      return `${step}warning: ${e.message}`;
    case 'step-start':
      return `${step}${e.kind} · ${e.description}`;
    case 'preflight':
      if (e.action === 'clear') return `${step}pre-flight: blocking sessions gone after ${formatDuration(e.waitedMs)}`;
      return `${step}pre-flight: ${e.action === 'wait' ? 'waiting for' : 'aborting, blocked by'} ${describeBlockers(e.blockers)}`;
    case 'attempt':
      return `${step}attempt ${e.attempt} (lock_timeout ${timeout(e.lockTimeoutMs)}, statement_timeout ${timeout(e.statementTimeoutMs)})`;
    case 'blocked':
      return `${step}attempt ${e.attempt} waits for its lock behind ${describeBlockers(e.blockers)}`;
    case 'retry':
      return `${step}attempt ${e.attempt} rolled back after ${formatDuration(e.waitedMs)} (${e.message} [${e.code}]), retrying in ${formatDuration(e.delayMs)}; blocked by ${describeBlockers(e.blockers)}`;
    case 'lock-wait':
      return e.orphaned
        ? `run lock held by an orphaned session of a killed pgsafe run, cancelling it: ${describeBlocker(e.holder)}`
        : `waiting for another run to finish (it holds this database's run lock): ${describeBlocker(e.holder)}`;
    case 'lock-acquired':
      return `run lock taken after ${formatDuration(e.waitedMs)}`;
    case 'resume':
      return e.committed >= e.total
        ? `${e.name} was completed at ${e.previous.at}: all ${e.total} steps are applied, nothing to run (--restart runs it again)`
        : `resuming ${e.name}: ${stepRange(1, e.committed)} of ${e.total} ${e.committed === 1 ? 'was' : 'were'} committed by the run at ${e.previous.at}${e.previous.error ? ` (which failed: ${e.previous.error})` : ''}; running ${stepRange(e.committed + 1, e.total)} ${e.changedAfter ? ', the file changed only after them' : ''} (--restart starts over)`;
    case 'orphaned-build':
      return `${step}${describeBuilder(e)}`;
    case 'skipped':
      return `${step}warning: statement at line ${e.line} skipped: ${e.message}`;
    case 'invalid-index-dropped':
      return `${step}dropped INVALID index ${e.index} left by a failed build`;
    case 'progress':
      return `${step}${describeProgress(e.progress)}`;
    case 'notice':
      return `${step}notice: ${e.message}`;
    case 'step-done':
      return `${step}committed (${e.attempts} attempt${e.attempts === 1 ? '' : 's'}, ${formatDuration(e.ms)})`;
    case 'step-failed':
      return `${step}FAILED: ${e.error.message}`;
    case 'done':
      return e.status === 'completed' ? `completed in ${formatDuration(e.ms)}` : `failed after ${formatDuration(e.ms)}`;
  }
}

/** Another session building the index a step builds, and what is done about it. */
export function describeBuilder(e: { index: string; pid: number; applicationName: string; action: 'cancel' | 'wait' }): string {
  return e.action === 'cancel'
    ? `${e.index} is being built by pid ${e.pid} (app "${e.applicationName}"), an orphan of a killed pgsafe run: cancelling it, then dropping and rebuilding the index`
    : `${e.index} is being built by pid ${e.pid} (app "${e.applicationName}"): waiting for it to finish`;
}
