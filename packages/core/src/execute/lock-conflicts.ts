/** PostgreSQL's table-lock conflict table (https://www.postgresql.org/docs/current/explicit-locking.html). */
import type { LockMode } from '../locks.js';

const MODES: LockMode[] = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];

/** For each mode (by index), the modes it conflicts with (by index). */
const CONFLICTS: number[][] = [
  [7],
  [6, 7],
  [4, 5, 6, 7],
  [3, 4, 5, 6, 7],
  [2, 3, 5, 6, 7],
  [2, 3, 4, 5, 6, 7],
  [1, 2, 3, 4, 5, 6, 7],
  [0, 1, 2, 3, 4, 5, 6, 7],
];

export function lockConflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[MODES.indexOf(a)]?.includes(MODES.indexOf(b)) ?? false;
}

/** `AccessExclusiveLock` (pg_locks.mode) → `ACCESS EXCLUSIVE`; undefined for non-table modes. */
export function fromPgLocksMode(mode: string): LockMode | undefined {
  const words = mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return (MODES as string[]).includes(words) ? (words as LockMode) : undefined;
}
