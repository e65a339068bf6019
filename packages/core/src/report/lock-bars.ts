/** What a lock stalls, and how lock bars are described. */
import { lockConflicts } from '../execute/lock-conflicts.js';
import type { LockMode } from '../locks.js';
import type { Blocks, LockBar } from './model.js';

/** Application reads take ACCESS SHARE, writes ROW EXCLUSIVE: a mode blocks what it conflicts with. */
export function blocksOf(mode: LockMode): Blocks {
  if (lockConflicts(mode, 'ACCESS SHARE')) return 'reads and writes';
  if (lockConflicts(mode, 'ROW EXCLUSIVE')) return 'writes';
  return 'nothing';
}

/** `accounts` for `public.accounts`: the name as PostgreSQL prints it with the default search_path. */
export function relationName(name: string): string {
  return name.replace(/^public\./, '');
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 100) / 100} ms`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A lock bar with its one-line description. */
export function lockBar(relation: string, mode: LockMode, start: number, end: number, state: LockBar['state'], newRelation: boolean, context = ''): LockBar {
  const blocks = newRelation ? 'nothing' : blocksOf(mode);
  const how = state === 'queued' ? `waited ${formatMs(end - start)} for` : `held ${formatMs(end - start)}`;
  const impact = newRelation
    ? 'created by this migration: no other session uses it'
    : blocks === 'nothing'
      ? 'application reads and writes continue'
      : state === 'queued'
        ? `queued requests stall ${blocks} behind it`
        : `blocks ${blocks}`;
  return { mode, start, end, state, blocks, label: `${relation}: ${mode} ${how}${context}; ${impact}` };
}
