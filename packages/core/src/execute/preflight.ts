/** Pre-flight: before asking for a traffic-blocking lock, look for sessions that would make the request wait
 *  (long transactions holding a conflicting lock on the table, idle-in-transaction sessions), and wait for them to
 *  finish, or give up, instead of queueing behind them while every application query queues behind us. */
import type { LockMode } from '../locks.js';
import { tableLockers, type Queryable } from './catalog.js';
import { lockConflicts } from './lock-conflicts.js';
import type { PreflightPolicy } from './policy.js';
import type { BlockingSession } from './types.js';

/** A table the step locks, resolved in the database. */
export interface LockTarget {
  oid: string;
  name: string;
  mode: LockMode;
}

/** Sessions that hold (or wait for) a lock conflicting with ours and are likely to keep it: their transaction is
 *  older than `longTransactionMs`, or they sit idle in transaction. One entry per session. */
export async function findBlockers(q: Queryable, targets: LockTarget[], excludePids: number[], policy: PreflightPolicy): Promise<BlockingSession[]> {
  return (await conflictingLockers(q, targets, excludePids)).filter((s) => keepsItsLock(s, policy));
}

/** Whether waiting for this session is worth it. An autovacuum worker is not: it cancels itself as soon as our lock
 *  request waits behind it (after deadlock_timeout), unless it runs to prevent transaction-id wraparound. */
export function keepsItsLock(s: BlockingSession, policy: PreflightPolicy): boolean {
  if (s.backendType === 'autovacuum worker' && !/to prevent wraparound/i.test(s.query ?? '')) return false;
  const idle = (s.state ?? '').startsWith('idle in transaction') && (s.stateAgeMs ?? 0) >= policy.idleInTransactionMs;
  return idle || (s.xactAgeMs ?? 0) >= policy.longTransactionMs;
}

/** Sessions holding any conflicting lock on the targets right now, whatever their age (to name who made an
 *  attempt time out when the monitor did not see it wait). */
export async function conflictingLockers(q: Queryable, targets: LockTarget[], excludePids: number[]): Promise<BlockingSession[]> {
  const lockers = await tableLockers(
    q,
    targets.map((t) => t.oid),
    excludePids,
  );
  const byPid = new Map<number, BlockingSession>();
  for (const s of lockers) {
    const target = targets.find((t) => t.oid === s.relationOid);
    if (target && lockConflicts(target.mode, s.lock.mode) && !byPid.has(s.pid)) {
      const { relationOid: _, ...session } = s;
      byPid.set(s.pid, session);
    }
  }
  return [...byPid.values()];
}
