/** PostgreSQL table-level lock modes, weakest first (https://www.postgresql.org/docs/current/explicit-locking.html). */
export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** What a lock on a busy table means for the application. */
export interface LockImpact {
  mode: LockMode;
  /** Quoted table name as written in the recipe. */
  table: string;
  /** Human summary of the application traffic it stops, e.g. "reads and writes". */
  blocks: string;
  /** What the time the lock is held grows with, e.g. "the table's size (full scan)". */
  heldFor: string;
}

const BLOCKS: Record<LockMode, string> = {
  'ACCESS SHARE': 'only ACCESS EXCLUSIVE (DDL); reads and writes continue',
  'ROW SHARE': 'EXCLUSIVE and ACCESS EXCLUSIVE locks; reads and writes continue',
  'ROW EXCLUSIVE': 'SHARE and stronger locks (index builds, some DDL); reads and writes continue',
  'SHARE UPDATE EXCLUSIVE': 'VACUUM, ANALYZE and other schema changes; reads and writes continue',
  SHARE: 'all writes (INSERT, UPDATE, DELETE); reads continue',
  'SHARE ROW EXCLUSIVE': 'all writes (INSERT, UPDATE, DELETE); reads continue',
  EXCLUSIVE: 'all writes and row-locking reads (SELECT FOR UPDATE); plain reads continue',
  'ACCESS EXCLUSIVE': 'all reads and writes of the table',
};

export function lockImpact(mode: LockMode, table: string, heldFor: string): LockImpact {
  return { mode, table, blocks: BLOCKS[mode], heldFor };
}

/** Locks that stop application writes or reads, i.e. the ones whose wait in the lock queue stalls the site. */
export function blocksTraffic(mode: LockMode): boolean {
  return mode === 'SHARE' || mode === 'SHARE ROW EXCLUSIVE' || mode === 'EXCLUSIVE' || mode === 'ACCESS EXCLUSIVE';
}
