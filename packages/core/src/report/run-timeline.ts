/**
 * A real execution as a timeline, rebuilt from the executor's events (`ExecuteEvent`): they are all a run leaves
 * when it is interrupted, so the report never depends on the final `ExecuteResult`.
 */
import { describeProgress } from '../execute/describe.js';
import type { BlockingSession, ExecuteEvent, ExecuteResult } from '../execute/types.js';
import { strongest } from '../statement-locks.js';
import type { LockMode } from '../locks.js';
import { formatDuration } from '../plan/duration.js';
import { kindLabel } from '../plan/format.js';
import type { Plan, Step } from '../plan/types.js';
import type { TraceResult } from '../trace/types.js';
import { formatMs, lockBar, relationName } from './lock-bars.js';
import type { LockLane, ProgressSample, RunOutcome, SeenBlocker, Span, Timeline, TimelineStatus, TimelineStep } from './model.js';
import { statementLocks } from './trace-timeline.js';

/** SQLSTATEs of an attempt that waited for a lock and gave up: lock_not_available, deadlock_detected. */
const LOCK_WAIT_CODES = new Set(['55P03', '40P01']);

interface Attempt {
  n: number;
  span: Span;
  lockWait: boolean;
}

interface StepState {
  step: Step;
  start?: number;
  end?: number;
  status: TimelineStatus;
  spans: Span[];
  attempts: Attempt[];
  preflight?: Span;
  blockers: Map<number, SeenBlocker>;
  progress: ProgressSample[];
  notes: string[];
  error?: string;
}

/** Records sessions seen blocking the step from `from` to `to` (ms). */
function seen(state: StepState, sessions: BlockingSession[], from: number, to: number, during: SeenBlocker['during'][number]): void {
  for (const session of sessions) {
    const prev = state.blockers.get(session.pid);
    if (prev) {
      prev.session = session;
      prev.firstSeen = Math.min(prev.firstSeen, from);
      prev.lastSeen = Math.max(prev.lastSeen, to);
      if (!prev.during.includes(during)) prev.during.push(during);
    } else state.blockers.set(session.pid, { session, firstSeen: from, lastSeen: to, during: [during] });
  }
}

/** The locks a step takes: observed by a trace of the same migration when there is one, else the documented ones. */
function stepLocks(step: Step, trace: TraceResult | undefined): { relation: string; mode: LockMode; kind: string; newRelation: boolean; observed: boolean }[] {
  if (!trace) return step.targets.map((t) => ({ relation: relationName(t.table.sql), mode: t.mode, kind: 'table', newRelation: t.newTable, observed: false }));
  const indexes = new Set(step.statements.map((s) => s.index));
  const created = new Set(trace.statements.filter((s) => s.index <= Math.max(...indexes)).flatMap((s) => s.created));
  const out = new Map<string, { relation: string; mode: LockMode; kind: string; newRelation: boolean; observed: boolean }>();
  for (const s of trace.statements) {
    if (!indexes.has(s.index) || s.status !== 'ok') continue;
    for (const l of statementLocks(s)) {
      const prev = out.get(l.relation);
      out.set(l.relation, { relation: l.relation, mode: prev ? strongest(prev.mode, l.mode) : l.mode, kind: l.kind, newRelation: created.has(l.relation), observed: (prev?.observed ?? true) && l.observed });
    }
  }
  return [...out.values()];
}

function closeAttempt(a: Attempt, at: number, outcome: Span['outcome'], what: string): void {
  a.span.end = at;
  a.span.outcome = outcome;
  a.span.label += `: ${what}`;
}

export interface RunTimelineInput {
  plan: Plan;
  events: ExecuteEvent[];
  /** A trace of the same migration (rehearse): its observed locks and rewrites replace the documented ones. */
  trace?: TraceResult;
  /** ms since the run started when the report is made, for a run that is still going (interrupted). */
  now?: number;
  clock: string;
}

export function runTimeline({ plan, events, trace, now, clock }: RunTimelineInput): Timeline {
  const states = new Map<number, StepState>(plan.steps.map((step) => [step.id, { step, status: 'not-run', spans: [], attempts: [], blockers: new Map(), progress: [], notes: [] }]));
  const done = events.find((e) => e.type === 'done');
  const last = Math.max(0, ...events.map((e) => e.at));
  const end = done?.type === 'done' ? done.ms : Math.max(last, now ?? 0);
  const openAttempt = (s: StepState) => s.attempts.at(-1)?.span.outcome === 'unfinished' ? s.attempts.at(-1) : undefined;
  const closePreflight = (s: StepState, at: number, outcome: Span['outcome']) => {
    if (!s.preflight) return;
    s.preflight.end = at;
    s.preflight.outcome = outcome;
    s.preflight.label = `pre-flight: waited ${formatMs(at - s.preflight.start)} for blocking sessions${outcome === 'failed' ? ', gave up' : ''}`;
    s.preflight = undefined;
  };

  for (const e of events) {
    const s = 'step' in e && typeof e.step === 'number' ? states.get(e.step) : undefined;
    if (!s) continue;
    switch (e.type) {
      case 'step-start':
        s.start = e.at;
        s.status = 'interrupted';
        break;
      case 'preflight':
        seen(s, e.blockers, e.at, e.at, 'pre-flight');
        // They blocked until the pre-flight saw them gone.
        if (e.action === 'clear') for (const b of s.blockers.values()) if (b.during.includes('pre-flight')) b.lastSeen = Math.max(b.lastSeen, e.at);
        if (!s.preflight && e.action !== 'clear') {
          s.preflight = { kind: 'preflight', start: e.at - e.waitedMs, end: e.at, label: '', outcome: 'unfinished' };
          s.spans.push(s.preflight);
        }
        if (e.action !== 'wait') closePreflight(s, e.at, e.action === 'clear' ? 'ok' : 'failed');
        break;
      case 'attempt': {
        closePreflight(s, e.at, 'ok');
        const span: Span = { kind: 'attempt', start: e.at, end: e.at, label: `attempt ${e.attempt} (lock_timeout ${formatDuration(e.lockTimeoutMs)})`, outcome: 'unfinished' };
        s.attempts.push({ n: e.attempt, span, lockWait: false });
        s.spans.push(span);
        break;
      }
      case 'blocked':
        seen(s, e.blockers, e.at - e.waitedMs, e.at, 'lock wait');
        break;
      case 'retry': {
        const a = s.attempts.find((x) => x.n === e.attempt);
        // The attempt waited behind them from its start until it timed out.
        seen(s, e.blockers, a?.span.start ?? e.at, e.at, 'lock timeout');
        if (a) {
          closeAttempt(a, Math.min(e.at, a.span.start + e.waitedMs), 'failed', `${e.message} [${e.code}] after ${formatMs(e.waitedMs)}, rolled back`);
          a.lockWait = LOCK_WAIT_CODES.has(e.code);
        }
        s.spans.push({ kind: 'backoff', start: e.at, end: e.at + e.delayMs, label: `back-off ${formatMs(e.delayMs)} before attempt ${e.attempt + 1}`, outcome: 'ok' });
        break;
      }
      case 'progress':
        s.progress.push({ at: e.at, phase: e.progress.phase, fraction: e.progress.fraction, index: e.progress.index, detail: describeProgress(e.progress) });
        break;
      case 'notice':
        s.notes.push(`notice: ${e.message}`);
        break;
      case 'warning':
        s.notes.push(`warning: ${e.message}`);
        break;
      case 'invalid-index-dropped':
        s.notes.push(`dropped the INVALID index ${e.index} a failed build left`);
        break;
      case 'step-done': {
        const a = openAttempt(s);
        if (a) closeAttempt(a, e.at, 'ok', `committed after ${formatMs(e.at - a.span.start)}`);
        s.end = e.at;
        s.status = 'committed';
        break;
      }
      case 'step-failed': {
        const a = openAttempt(s);
        if (a) {
          closeAttempt(a, e.at, 'failed', e.error.message);
          a.lockWait = e.error.kind === 'lock-timeout';
        }
        closePreflight(s, e.at, 'failed');
        s.end = e.at;
        s.status = e.error.kind === 'interrupted' ? 'interrupted' : 'failed';
        s.error = `${e.error.message}${e.error.code ? ` [${e.error.code}]` : ''}`;
        break;
      }
    }
  }

  const steps: TimelineStep[] = [...states.values()].map((s) => {
    // A run stopped from outside leaves its last attempt (or pre-flight wait) open: it lasted until the end.
    for (const span of s.spans) {
      if (span.outcome !== 'unfinished') continue;
      span.end = Math.max(span.start, end);
      span.label += span.kind === 'preflight' ? `pre-flight: waiting for blocking sessions when the run stopped (${formatMs(span.end - span.start)})` : `: unfinished when the run stopped`;
    }
    const start = s.start ?? end;
    const locks: LockLane[] = stepLocks(s.step, trace).map((l) => ({
      relation: l.relation,
      relationKind: l.kind,
      newRelation: l.newRelation,
      observed: l.observed,
      bars: s.attempts.map((a) =>
        lockBar(l.relation, l.mode, a.span.start, a.span.end, a.lockWait ? 'queued' : 'held', l.newRelation, ` in attempt ${a.n}${a.span.outcome === 'ok' ? '' : a.lockWait ? ', which timed out and was rolled back' : ', rolled back'}`),
      ),
    }));
    const statements = new Set(s.step.statements.map((x) => x.index));
    return {
      id: s.step.id,
      description: s.step.description,
      kind: kindLabel(s.step.kind),
      transactional: s.step.transactional,
      lines: s.step.lines,
      status: s.status,
      start,
      end: s.end ?? (s.start === undefined ? start : end),
      spans: s.spans,
      locks,
      rewrites: trace ? trace.statements.filter((t) => statements.has(t.index)).flatMap((t) => t.rewrites) : [],
      blockers: [...s.blockers.values()],
      progress: s.progress,
      notes: s.notes,
      ...(s.error ? { error: s.error } : {}),
    };
  });
  return { source: 'run', clock, ms: end, steps };
}

/** What a run applied and what not, from its events (and its result, when it returned one). */
export function runOutcome(plan: Plan, events: ExecuteEvent[], result?: ExecuteResult): RunOutcome {
  const applied = result
    ? result.steps.filter((s) => s.status === 'committed').map((s) => s.id)
    : events.flatMap((e) => (e.type === 'step-done' ? [e.step] : []));
  const notApplied = plan.steps.map((s) => s.id).filter((id) => !applied.includes(id));
  const failed = events.find((e) => e.type === 'step-failed');
  const error = result?.error ?? (failed?.type === 'step-failed' ? failed.error : undefined);
  const done = events.find((e) => e.type === 'done');
  const ms = result?.ms ?? (done?.type === 'done' ? done.ms : undefined);
  const retries = events.filter((e) => e.type === 'retry').length;
  const waited = events.reduce((n, e) => (e.type === 'preflight' && e.action === 'clear' ? n + e.waitedMs : n), 0);
  const total = plan.steps.length;
  if (notApplied.length === 0 && (result?.status ?? 'completed') === 'completed' && !error) {
    const extra = [retries ? `${retries} lock-timeout retr${retries === 1 ? 'y' : 'ies'}` : '', waited ? `waited ${formatMs(waited)} for blocking sessions` : ''].filter(Boolean).join(', ');
    return { status: 'completed', message: `completed: ${total}/${total} steps committed${ms !== undefined ? ` in ${formatMs(ms)}` : ''}${extra ? ` (${extra})` : ''}`, ...(ms !== undefined ? { ms } : {}), applied, notApplied };
  }
  const interrupted = error?.kind === 'interrupted' || (!error && !done);
  const kept = applied.length ? `step${applied.length === 1 ? '' : 's'} ${applied.join(', ')} committed and stay${applied.length === 1 ? 's' : ''} applied` : 'nothing was applied';
  const head = error ? `${interrupted ? 'INTERRUPTED' : 'FAILED'} at step ${error.step}: ${error.message}${error.code ? ` [${error.code}]` : ''}` : 'INTERRUPTED: the run stopped before it finished';
  return {
    status: interrupted ? 'interrupted' : 'failed',
    message: `${head}. ${kept}; step${notApplied.length === 1 ? '' : 's'} ${notApplied.join(', ')} not applied.`,
    ...(ms !== undefined ? { ms } : {}),
    applied,
    notApplied,
    ...(error ? { error } : {}),
  };
}
