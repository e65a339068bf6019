/** Builds the report model from what a command gathered: findings, the plan, a trace, a run's events. */
import { describeEvent } from '../execute/describe.js';
import type { ExecuteEvent, ExecuteResult } from '../execute/types.js';
import type { Finding } from '../finding.js';
import type { LiveTable } from '../live/types.js';
import type { ParsedMigration } from '../parse.js';
import type { Plan, PlanError } from '../plan/types.js';
import type { RehearsedTable } from '../rehearse/rehearse.js';
import type { TraceResult } from '../trace/types.js';
import type { FileReport, ReportCommand, ReportError, ReportModel, RunOutcome, TableSize } from './model.js';
import { runOutcome, runTimeline } from './run-timeline.js';
import { traceTimeline } from './trace-timeline.js';

export interface FileReportInput {
  migration: ParsedMigration;
  findings: Finding[];
  plan?: Plan;
  planError?: PlanError;
  tables?: TableSize[];
  /** A trace of the migration and where it ran (one line). */
  trace?: { result: TraceResult; where: string };
  /** A run: its events so far, and its result when execute() returned. */
  run?: { events: ExecuteEvent[]; result?: ExecuteResult; where: string; now?: number };
  /** Why the migration was not run (refused by its findings, or it cannot be planned). */
  notRun?: { status: 'refused' | 'not-run'; message: string };
  notes?: string[];
}

export function fileReport(input: FileReportInput): FileReport {
  const { migration, plan } = input;
  const out: FileReport = { file: migration.file, statements: migration.statements.length, findings: input.findings, tables: input.tables ?? [] };
  if (plan) out.plan = plan;
  if (input.planError) out.planError = { file: input.planError.file, line: input.planError.position.line, column: input.planError.position.column, message: input.planError.reason };
  if (input.run && plan) {
    const trace = input.trace?.result;
    out.timeline = runTimeline({ plan, events: input.run.events, ...(trace ? { trace } : {}), ...(input.run.now !== undefined ? { now: input.run.now } : {}), clock: `wall-clock time of the run on ${input.run.where}` });
    out.outcome = runOutcome(plan, input.run.events, input.run.result);
    out.log = input.run.events.map((e) => ({ at: e.at, text: describeEvent(e) }));
  } else if (input.trace) {
    out.timeline = traceTimeline(input.trace.result, plan, input.trace.where);
  }
  if (input.notRun) out.outcome = notRunOutcome(plan, input.notRun.status, input.notRun.message);
  if (input.notes?.length) out.notes = input.notes;
  return out;
}

function notRunOutcome(plan: Plan | undefined, status: 'refused' | 'not-run', message: string): RunOutcome {
  return { status, message, applied: [], notApplied: plan?.steps.map((s) => s.id) ?? [] };
}

export function reportModel(command: ReportCommand, files: FileReport[], options: { errors?: ReportError[]; where?: string[]; pgsafeVersion?: string } = {}): ReportModel {
  return {
    command,
    generatedAt: new Date().toISOString(),
    ...(options.pgsafeVersion ? { pgsafeVersion: options.pgsafeVersion } : {}),
    where: options.where ?? [],
    files,
    errors: options.errors ?? [],
  };
}

export function tablesFromLive(tables: LiveTable[], source = 'live database'): TableSize[] {
  return tables.map((t) => ({ name: t.name, rows: t.rows, rowsEstimate: t.rowsEstimate, size: t.totalPretty, indexes: t.indexes.length, source }));
}

export function tablesFromRehearsal(tables: RehearsedTable[]): TableSize[] {
  return tables.map((t) => ({ name: t.name, rows: t.sourceRows, rowsEstimate: t.sourceRowsEstimate, size: t.sourceSize, source: `rehearsal source${t.copiedRows ? `, ${t.copiedRows.toLocaleString('en-US')} rows copied` : ''}` }));
}
