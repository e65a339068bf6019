/**
 * A trace as a timeline. The trace runs every statement in one transaction; the timeline groups them into the
 * plan's steps, because each step commits (and releases its locks) on its own when the migration really runs: a lock
 * a statement acquires is drawn from that statement until the end of its step.
 */
import { strongest } from '../statement-locks.js';
import type { LockMode } from '../locks.js';
import { kindLabel } from '../plan/format.js';
import { statementSummary } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import type { TraceResult, TracedStatement } from '../trace/types.js';
import { formatMs, lockBar, relationName } from './lock-bars.js';
import type { LockBar, LockLane, Span, Timeline, TimelineStatus, TimelineStep } from './model.js';

interface Acquired {
  at: number;
  mode: LockMode;
  kind: string;
  observed: boolean;
}

/** Groups of statement indexes, one per step: the plan's, or one per statement without a plan. */
function groups(trace: TraceResult, plan: Plan | undefined) {
  if (!plan) {
    return trace.statements
      .filter((s) => s.status !== 'skipped')
      .map((s) => ({ id: s.index + 1, description: statementSummary(s.text), kind: 'statement', transactional: true, lines: [s.line, s.line] as [number, number], indexes: [s.index] }));
  }
  return plan.steps.map((step) => ({
    id: step.id,
    description: step.description,
    kind: kindLabel(step.kind),
    transactional: step.transactional,
    lines: step.lines,
    indexes: step.statements.map((s) => s.index),
  }));
}

/** The locks a statement takes as far as the timeline is concerned: those it acquired (pg_locks); for a table whose
 *  lock an earlier statement of the trace already held, the documented mode (a step of its own takes only that);
 *  for a statement traced in another form (CONCURRENTLY cannot run in a transaction block), the documented ones. */
export function statementLocks(s: TracedStatement): { relation: string; mode: LockMode; kind: string; observed: boolean }[] {
  const documented = (tables: Set<string> | undefined) =>
    s.documented.filter((d) => !tables || tables.has(relationName(d.table))).map((d) => ({ relation: relationName(d.table), mode: d.mode, kind: 'table', observed: false }));
  if (s.tracedAs) return documented(undefined);
  const held = new Set(s.alreadyHeld.map((l) => l.relation));
  return [...s.locks.map((l) => ({ relation: l.relation, mode: l.mode, kind: l.kind, observed: true })), ...documented(held)];
}

export function traceTimeline(trace: TraceResult, plan: Plan | undefined, where: string): Timeline {
  const byIndex = new Map(trace.statements.map((s) => [s.index, s]));
  // Statement times laid end to end; the trace's own bookkeeping queries between them are left out.
  const startOf = new Map<number, number>();
  let t = 0;
  for (const s of trace.statements) {
    startOf.set(s.index, t);
    t += s.ms;
  }
  const created = new Map<string, number>();
  for (const s of trace.statements) for (const name of s.created) if (!created.has(name)) created.set(name, s.index);

  const steps: TimelineStep[] = groups(trace, plan).map((g) => {
    const statements = g.indexes.map((i) => byIndex.get(i)).filter((s): s is TracedStatement => !!s);
    const start = startOf.get(g.indexes[0]!) ?? t;
    const last = statements.at(-1);
    const end = last ? startOf.get(last.index)! + last.ms : start;
    const spans: Span[] = statements
      .filter((s) => s.status === 'ok' || s.status === 'error')
      .map((s) => ({
        kind: 'statement',
        start: startOf.get(s.index)!,
        end: startOf.get(s.index)! + s.ms,
        label: `line ${s.line}: ${statementSummary(s.text, 60)} (${formatMs(s.ms)})`,
        outcome: s.status === 'error' ? 'failed' : 'ok',
      }));

    const acquired = new Map<string, Acquired[]>();
    for (const s of statements) {
      if (s.status !== 'ok') continue;
      for (const l of statementLocks(s)) {
        const list = acquired.get(l.relation) ?? [];
        if (!list.some((a) => a.mode === l.mode)) list.push({ at: startOf.get(s.index)!, mode: l.mode, kind: l.kind, observed: l.observed });
        acquired.set(l.relation, list);
      }
    }
    const locks: LockLane[] = [...acquired].map(([relation, list]) => {
      const isNew = created.has(relation) && created.get(relation)! <= Math.max(...g.indexes);
      return { relation, relationKind: list[0]!.kind, newRelation: isNew, observed: list.every((a) => a.observed), bars: effectiveBars(relation, list, end, isNew) };
    });
    locks.sort(byTableFirst);

    const failed = statements.find((s) => s.status === 'error');
    const status: TimelineStatus = failed ? 'error' : statements.length && statements.every((s) => s.status === 'not-run') ? 'not-run' : statements.every((s) => s.status === 'skipped') ? 'skipped' : 'traced';
    return {
      id: g.id,
      description: g.description,
      kind: g.kind,
      transactional: g.transactional,
      lines: g.lines,
      status,
      start,
      end,
      spans,
      locks,
      rewrites: statements.flatMap((s) => s.rewrites),
      blockers: [],
      progress: [],
      notes: statements.flatMap((s) => s.notes.map((n) => `line ${s.line}: ${n}`)),
      ...(failed?.error ? { error: `line ${failed.line}: ${failed.error.message}${failed.error.code ? ` (SQLSTATE ${failed.error.code})` : ''}` } : {}),
    };
  });
  return {
    source: 'trace',
    clock: `statement times of a trace on PostgreSQL ${trace.server} (${where}), in one transaction rolled back at the end; each lock is drawn until its step would commit`,
    ms: t,
    steps,
  };
}

/** The strongest mode held over time: a new segment each time a stronger lock is acquired. */
function effectiveBars(relation: string, list: Acquired[], end: number, isNew: boolean): LockBar[] {
  const sorted = [...list].sort((a, b) => a.at - b.at);
  const bars: LockBar[] = [];
  let mode: LockMode | undefined;
  let from = 0;
  for (const a of sorted) {
    const next: LockMode = mode ? strongest(mode, a.mode) : a.mode;
    if (next === mode) continue;
    if (mode && a.at > from) bars.push(lockBar(relation, mode, from, a.at, 'held', isNew));
    mode = next;
    from = a.at;
  }
  if (mode) bars.push(lockBar(relation, mode, from, end, 'held', isNew));
  return bars;
}

/** Tables before their indexes and sequences; then by name. */
function byTableFirst(a: LockLane, b: LockLane): number {
  const rank = (l: LockLane) => (/table|view/.test(l.relationKind) ? 0 : 1);
  return rank(a) - rank(b) || (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : 0);
}
