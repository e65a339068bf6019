/**
 * `pgsafe run --html`: gathers what the run does (findings, plan, the executor's events, the result) and writes the
 * report on every way out: completed, refused, failed, interrupted, or the process exiting mid-run (a second Ctrl-C),
 * when the report says what was applied and what was not.
 */
import {
  connectionTarget,
  fileReport,
  planTableSizes,
  ReadOnlySession,
  redactConnectionString,
  reportModel,
  type ExecuteEvent,
  type ExecuteResult,
  type Finding,
  type ParsedMigration,
  type Plan,
  type PlanError,
  type TableSize,
} from '@pgsafe/core';
import { writeHtmlReport } from './html-report.js';
import { version } from './version.js';

export class RunHtmlReport {
  private findings: Finding[] = [];
  private plan?: Plan;
  private planError?: PlanError;
  private notRun?: { status: 'refused' | 'not-run'; message: string };
  private readonly events: ExecuteEvent[] = [];
  private result?: ExecuteResult;
  private tables: TableSize[] = [];
  private startedAt?: number;
  private written = false;
  private readonly onExit = () => this.write();

  constructor(
    private readonly path: string,
    private readonly migration: ParsedMigration,
    private readonly url: string | undefined,
  ) {
    // A process that exits mid-run (process.exit) still leaves its report.
    process.once('exit', this.onExit);
  }

  checked(findings: Finding[], plan: Plan | undefined, planError: PlanError | undefined): void {
    this.findings = findings;
    this.plan = plan;
    this.planError = planError;
  }

  /** Why the migration is not run (refused by its findings, cannot be planned, a dry run). */
  notRunBecause(status: 'refused' | 'not-run', message: string): void {
    this.notRun = { status, message };
  }

  /** Sizes of the tables the plan locks, before the run (a failure to read them only leaves them out). */
  async readTables(): Promise<void> {
    if (!this.url || !this.plan) return;
    try {
      const db = await ReadOnlySession.open(this.url, { applicationName: 'pgsafe-report', statementTimeoutMs: 2000 });
      try {
        this.tables = await planTableSizes(db, this.plan);
      } finally {
        await db.close();
      }
    } catch (error) {
      process.stderr.write(`pgsafe: warning: the HTML report has no table sizes: ${redactConnectionString((error as Error).message)}\n`);
    }
  }

  event(e: ExecuteEvent): void {
    if (this.events.length === 0) this.startedAt = performance.now() - e.at;
    this.events.push(e);
  }

  finished(result: ExecuteResult): void {
    this.result = result;
  }

  write(): void {
    if (this.written) return;
    this.written = true;
    process.off('exit', this.onExit);
    const start = this.events.find((e) => e.type === 'start');
    const target = start?.type === 'start' ? start.target : this.url ? connectionTarget(this.url) : undefined;
    const server = start?.type === 'start' && start.serverVersion ? `PostgreSQL ${start.serverVersion} at ` : '';
    const where = target ? `${server}${target}` : 'no database';
    const ran = this.events.length > 0 && this.plan;
    const file = fileReport({
      migration: this.migration,
      findings: this.findings,
      ...(this.plan ? { plan: this.plan } : {}),
      ...(this.planError ? { planError: this.planError } : {}),
      tables: this.tables,
      ...(ran ? { run: { events: this.events, ...(this.result ? { result: this.result } : {}), where, ...(this.startedAt !== undefined ? { now: Math.round(performance.now() - this.startedAt) } : {}) } } : {}),
      ...(this.notRun ? { notRun: this.notRun } : {}),
    });
    try {
      writeHtmlReport(this.path, reportModel('run', [file], { where: target ? [where] : [], pgsafeVersion: version }));
    } catch (error) {
      process.stderr.write(`pgsafe: error: cannot write the HTML report ${this.path}: ${(error as Error).message}\n`);
      process.exitCode ||= 2;
    }
  }
}
