import { describe, expect, it } from 'vitest';
import { attemptLockTimeout, resolvePolicy, retryDelay } from './policy.js';
import { lockConflicts, fromPgLocksMode } from './lock-conflicts.js';
import { keepsItsLock } from './preflight.js';
import type { BlockingSession } from './types.js';

describe('retry policy', () => {
  const policy = resolvePolicy({ random: () => 0 });

  it('keeps every attempt short (a tenth, then a quarter of the step lock_timeout), never above it, and keeps none as none', () => {
    expect([1, 2, 3, 4, 10].map((n) => attemptLockTimeout({ lockTimeoutMs: 2000 }, n, policy))).toEqual([200, 200, 500, 500, 500]);
    expect([1, 3].map((n) => attemptLockTimeout({ lockTimeoutMs: 100 }, n, policy))).toEqual([50, 50]);
    expect(attemptLockTimeout({ lockTimeoutMs: 2000 }, 1, resolvePolicy({ lockTimeoutRamp: [1] }))).toBe(2000);
    expect(attemptLockTimeout({ lockTimeoutMs: 0 }, 1, policy)).toBe(0);
  });

  it('grows the wait between attempts instead: exponential back-off up to a ceiling, with jitter taking up to half off', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, policy))).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    const jittered = resolvePolicy({ random: () => 1 });
    expect(retryDelay(3, jittered)).toBe(500);
  });

  it('follows an explicit GitLab-style schedule of (lock_timeout, sleep) pairs, capped at the step lock_timeout', () => {
    const p = resolvePolicy({ random: () => 0, schedule: [{ lockTimeoutMs: 100, delayMs: 50 }, { lockTimeoutMs: 5000, delayMs: 1000 }] });
    expect([1, 2, 3].map((n) => [attemptLockTimeout({ lockTimeoutMs: 2000 }, n, p), retryDelay(n, p)])).toEqual([
      [100, 50],
      [2000, 1000],
      [2000, 1000],
    ]);
  });

  it('rejects nonsense', () => {
    expect(() => resolvePolicy({ preflight: { mode: 'maybe' as 'wait' } })).toThrow(/preflight.mode/);
    expect(() => resolvePolicy({ schedule: [] })).toThrow(/schedule/);
  });
});

describe('lock conflicts', () => {
  it('follows PostgreSQL table-lock conflict table', () => {
    expect(lockConflicts('ACCESS EXCLUSIVE', 'ACCESS SHARE')).toBe(true);
    expect(lockConflicts('SHARE UPDATE EXCLUSIVE', 'ROW EXCLUSIVE')).toBe(false);
    expect(lockConflicts('SHARE', 'ROW EXCLUSIVE')).toBe(true);
    expect(lockConflicts('SHARE', 'SHARE')).toBe(false);
    expect(lockConflicts('SHARE ROW EXCLUSIVE', 'SHARE ROW EXCLUSIVE')).toBe(true);
    expect(lockConflicts('EXCLUSIVE', 'ACCESS SHARE')).toBe(false);
    expect(fromPgLocksMode('ShareUpdateExclusiveLock')).toBe('SHARE UPDATE EXCLUSIVE');
    expect(fromPgLocksMode('AccessShareLock')).toBe('ACCESS SHARE');
    expect(fromPgLocksMode('SIReadLock')).toBeUndefined();
  });
});

describe('pre-flight: which lock holders are worth waiting for', () => {
  const policy = resolvePolicy().preflight;
  const session = (over: Partial<BlockingSession>): BlockingSession => ({
    pid: 1, state: 'active', user: 'app', applicationName: 'app', query: 'SELECT 1', xactAgeMs: 5000, stateAgeMs: 5000, waitEventType: null, backendType: 'client backend', ...over,
  });

  it('waits for long transactions and idle-in-transaction sessions, not for young ones', () => {
    expect(keepsItsLock(session({}), policy)).toBe(true);
    expect(keepsItsLock(session({ state: 'idle in transaction', xactAgeMs: 300, stateAgeMs: 300 }), policy)).toBe(true);
    expect(keepsItsLock(session({ xactAgeMs: 50, stateAgeMs: 50 }), policy)).toBe(false);
  });

  it('does not wait for a routine autovacuum, which yields to a waiting lock, but does for an anti-wraparound one', () => {
    const vacuum = { backendType: 'autovacuum worker', user: null, applicationName: '', xactAgeMs: 60_000 };
    expect(keepsItsLock(session({ ...vacuum, query: 'autovacuum: VACUUM ANALYZE public.orders' }), policy)).toBe(false);
    expect(keepsItsLock(session({ ...vacuum, query: 'autovacuum: VACUUM public.orders (to prevent wraparound)' }), policy)).toBe(true);
  });
});
