/** How the executor retries, waits and watches. Per-step timeouts, retry counts and budgets come from the plan. */
import type { Step } from '../plan/types.js';

export interface PreflightPolicy {
  /** `wait` (default): poll until the blocking sessions finish, within the step's budget; `abort`: fail the step
   *  without queueing for the lock; `off`: no check. */
  mode: 'wait' | 'abort' | 'off';
  /** A session holding a conflicting lock on the table counts as a blocker once its transaction is this old. */
  longTransactionMs: number;
  /** ... or once it has been idle in transaction this long (it will not release its locks by itself). */
  idleInTransactionMs: number;
  /** Poll interval while waiting. */
  pollMs: number;
}

export interface ExecutePolicy {
  /** SQLSTATEs after which a step is rolled back and tried again: lock_not_available, deadlock_detected. */
  retryOn: string[];
  /** lock_timeout of attempt n is the step's lock_timeout times `lockTimeoutRamp[n-1]` (last value repeats), never
   *  more than the step's. Every attempt is a stall for the application (its queries queue behind the waiting lock
   *  request for as long as the attempt waits), so attempts stay short and it is the back-off between them that
   *  grows, as in GitLab's with_lock_retries and pgroll: a lock held by a long transaction is waited out between
   *  attempts, not in the lock queue. */
  lockTimeoutRamp: number[];
  /** Floor of a ramped lock_timeout. */
  minLockTimeoutMs: number;
  /** Back-off after attempt n: min(maxDelayMs, baseDelayMs * 2^(n-1)), less up to `jitter` of it at random. */
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: number;
  /** An explicit GitLab-style schedule of (lock_timeout, sleep) pairs, one per attempt (the last repeats); replaces
   *  the ramp and back-off above. Lock timeouts are still capped at the step's. */
  schedule?: { lockTimeoutMs: number; delayMs: number }[];
  preflight: PreflightPolicy;
  /** How often the monitor connection looks at what the running statement waits for. */
  monitorIntervalMs: number;
  /** How often it reads pg_stat_progress_create_index during index builds. */
  progressIntervalMs: number;
  /** Random source for the jitter (tests make it deterministic). */
  random: () => number;
}

export type ExecutePolicyInput = Partial<Omit<ExecutePolicy, 'preflight'>> & { preflight?: Partial<PreflightPolicy> };

export const DEFAULT_POLICY: ExecutePolicy = {
  retryOn: ['55P03', '40P01'],
  // With the default 2 s lock_timeout: 200 ms, 200 ms, then 500 ms per attempt; back-off 250 ms doubling to 4 s
  // (less up to half of it, at random): ten retries span about half a minute, within the default 60 s budget, and a
  // lock freed meanwhile is taken at most about 4 s later (pre-flight, on by default, polls every 200 ms instead).
  lockTimeoutRamp: [0.1, 0.1, 0.25],
  minLockTimeoutMs: 50,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  jitter: 0.5,
  preflight: { mode: 'wait', longTransactionMs: 1000, idleInTransactionMs: 200, pollMs: 200 },
  monitorIntervalMs: 100,
  progressIntervalMs: 500,
  random: Math.random,
};

export function resolvePolicy(input: ExecutePolicyInput = {}): ExecutePolicy {
  const policy: ExecutePolicy = { ...DEFAULT_POLICY, ...input, preflight: { ...DEFAULT_POLICY.preflight, ...input.preflight } };
  if (!['wait', 'abort', 'off'].includes(policy.preflight.mode)) throw new RangeError(`preflight.mode must be wait, abort or off, got ${policy.preflight.mode}`);
  if (policy.lockTimeoutRamp.length === 0 || policy.lockTimeoutRamp.some((r) => !(r > 0))) throw new RangeError('lockTimeoutRamp needs positive factors');
  if (policy.schedule?.length === 0) throw new RangeError('schedule needs at least one (lockTimeoutMs, delayMs) pair');
  return policy;
}

/** lock_timeout of attempt `attempt` (1-based) of `step`: 0 stays 0 (none). */
export function attemptLockTimeout(step: Pick<Step, 'lockTimeoutMs'>, attempt: number, policy: ExecutePolicy): number {
  const max = step.lockTimeoutMs;
  if (max === 0) return 0;
  if (policy.schedule) return Math.min(max, policy.schedule[Math.min(attempt, policy.schedule.length) - 1]!.lockTimeoutMs);
  const factor = policy.lockTimeoutRamp[Math.min(attempt, policy.lockTimeoutRamp.length) - 1]!;
  return Math.min(max, Math.max(policy.minLockTimeoutMs, Math.round(max * factor)));
}

/** The back-off sleep after failed attempt `attempt` (1-based), jitter included. */
export function retryDelay(attempt: number, policy: ExecutePolicy): number {
  const base = policy.schedule
    ? policy.schedule[Math.min(attempt, policy.schedule.length) - 1]!.delayMs
    : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (1 - policy.jitter * policy.random()));
}
