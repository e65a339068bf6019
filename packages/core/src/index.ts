export { loadParser, parseMigration, ParseError, type ParsedMigration, type ParsedStatement } from './parse.js';
export { ParserThread, parserThread, startParserThread, type ParseJob, type ParseOutcome } from './parser-thread.js';
export { SourceMap, type Position } from './source-map.js';
export { analyze, checkSql, type AnalyzeRunOptions } from './analyze.js';
export { resolveOptions, NEWEST_PG_VERSION, OLDEST_PG_VERSION, type AnalyzeOptions, type ResolvedOptions } from './options.js';
export { rules } from './rules/index.js';
export { SUPPRESSION_CHECKS, findSuppressions, applySuppressions, type Suppression } from './suppressions.js';
export { loadConfig } from './config-file.js';
export { loadModule, exported, isModuleMatching } from './load-module.js';
export { defineConfig, validateConfig, analyzeOptionsFrom, ConfigError, type PgsafeConfig, type RunConfig } from './config.js';
export { defineRule, type Rule, type RuleContext } from './rule.js';
export type { Finding, Recipe, Report, Severity } from './finding.js';
export { lockImpact, blocksTraffic, type LockImpact, type LockMode } from './locks.js';
export { locksTaken, strongest, type TableLock } from './statement-locks.js';
export { MigrationHistory, type HistoryStep } from './context/history.js';
export { DeployBatch, LARGE_TABLE_ROWS, type Judged } from './context/deploy-batch.js';
export { judgeBySize, noteUnknownSize, describePassed, subjectTable, type PassedFinding, type SizeGateOptions } from './context/size-gate.js';
export { liveContext, liveNames, liveSizes, readSize, describeSize, type MeasuredSize, type SizeReader } from './context/table-sizes.js';
export { RUNNERS, migrationSlot, runnerOrder, fileExecution, type RunnerName, type MigrationSlot, type FileExecution } from './context/runners.js';
export { trackStates, type StatementState } from './transactions.js';
export { SchemaModel, type KnownIndex, type ColumnInfo, type KnownConstraint } from './schema-model.js';
export { SchemaState, TableFacts, type Place, type MigrationEntry } from './context/schema-state.js';
export { quoteIdent, quoteQualified, quoteLiteral, makeName } from './sql.js';
export { renderFinding, noColor, type Palette } from './report/pretty.js';
// The HTML report (check, trace, rehearse, run --html; pgsafe report): a model built from what a command gathered, rendered to one page.
export * from './report/index.js';
// Live database awareness (check --database-url): read-only facts attached to findings.
export * from './live/index.js';
export { assertReachableByPostgresUser, firstDirClosedTo, postgresOsUser, type OsUser } from './os/run-as-postgres.js';
// Lock tracing (pgsafe trace, rehearse): what a migration really locks and rewrites, in a rolled-back transaction.
export * from './trace/index.js';
// Rehearsal (pgsafe rehearse): the touched tables copied from a real database into a scratch one, the migration traced and run there.
export * from './rehearse/index.js';
// Plan and execute: steps with timeouts and retries, run with pre-flight checks, lock-timeout retries and progress.
export { plan, planTransactions, resolvePlanOptions, statementSummary, PLAN_DEFAULTS } from './plan/plan.js';
export { PlanError, type Plan, type PlanOptions, type ResolvedPlanOptions, type Step, type StepTarget, type PlannedStatement, type PlanNote, type IndexCleanup } from './plan/types.js';
export type { StepKind } from './plan/classify.js';
export { formatPlan, kindLabel, stepHeader } from './plan/format.js';
export { stepCommands, commandsSql, type StepCommands } from './plan/commands.js';
export { parseDuration, formatDuration, LONGEST_MIGRATION_LOCK_TIMEOUT_MS, type Duration } from './plan/duration.js';
export { execute, type ExecuteOptions } from './execute/execute.js';
export { readMigrationSource, MAX_MIGRATION_BYTES, tooLargeMessage } from './read-source.js';
export { readJournal, planChecksum, JOURNAL_TABLE, type JournalEntry } from './execute/journal.js';
export { DEFAULT_POLICY, resolvePolicy, attemptLockTimeout, retryDelay, type ExecutePolicy, type ExecutePolicyInput, type PreflightPolicy } from './execute/policy.js';
export { openConnection, ConnectionError, type OpenOptions } from './execute/connection.js';
export { redactConnectionString, redactText, connectionTarget } from './execute/redact.js';
export { normalizeConnectionString, ConnectionStringError } from './execute/connection-string.js';
export { describeEvent, stepRange, describeBlocker, describeBlockers, describeProgress } from './execute/describe.js';
export { lockConflicts } from './execute/lock-conflicts.js';
export type { ExecuteEvent, ExecuteEventType, ExecuteResult, ExecuteError, ExecuteErrorKind, StepResult, AttemptResult, BlockingSession, IndexBuildProgress, SkippedStatement } from './execute/types.js';
// The guard: checks and runs an ORM's migration statements one at a time (the knex, TypeORM and MikroORM adapters).
export { MigrationGuard, describeGuardEvent } from './guard/guard.js';
export { UnsafeMigrationError } from './guard/unsafe-migration-error.js';
export { sqlState, PreflightError } from './guard/run-statement.js';
export type { GuardOptions, GuardSession, GuardEvent, MigrationInfo, MigrationCollector, CollectedMigration } from './guard/types.js';
export { OUTSIDE_TRANSACTION, outsideTransactionHints } from './guard/types.js';
export { openTransactionWaits, type BatchMigration, type OpenTransactionWait } from './guard/open-transaction-waits.js';
// Fix: the safe, equivalent form of a migration, as files for pgsafe run or Prisma.
export { fix, FIX_DEFAULTS, renderRunFiles, renderPrismaMigrations, renderKnexMigrations, renderTypeormMigrations, renderMikroOrmMigrations, mikroOrmParts, mikroOrmNonTransactional, mikroOrmNoOpDown, type MikroOrmPart, type ModuleFormat, migrationModuleFormat, type FixFile, type FixOptions, type FixResult, type FixStep, type FixDeploy, type FixChange, type FixTodo, endState, diffEndStates, unstableKeys, type EndState, verifyFix, sampleRowsSql, historySchema, decodeSourceBytes, encodeSourceBytes, applyOriginal, applyFixed, scratchDatabase, PLACEHOLDER, type Verdict, type VerifyOptions } from './fix/index.js';
export { keysetBatches, type BatchOptions } from './batches.js';
// Rule pages (docs/rules, pgsafe explain, SARIF help): each rule run on its own examples.
export * from './rule-docs/index.js';
export { compactLine } from './report/compact.js';
