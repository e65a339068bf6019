/** What the planner needs to know about one statement: may it run in a transaction, may it run long, is it a
 *  timeout setting. */
import type { ParsedStatement } from '../parse.js';
import { as } from '../ast.js';
import { parseDuration } from './duration.js';

/** Why a step exists and how it runs. */
export type StepKind =
  /** Consecutive transactional statements the planner grouped into one transaction. */
  | 'transaction'
  /** An explicit BEGIN ... COMMIT block of the migration, kept as written. */
  | 'transaction-block'
  /** ALTER TABLE ... VALIDATE CONSTRAINT in a transaction of its own (SHARE UPDATE EXCLUSIVE only). */
  | 'validate-constraint'
  | 'create-index-concurrently'
  | 'drop-index-concurrently'
  | 'reindex-concurrently'
  | 'detach-partition-concurrently'
  | 'vacuum'
  /** A DO block that COMMITs inside (a batched backfill): one short transaction per batch, so never in a block. */
  | 'batched'
  /** ALTER TYPE ... ADD VALUE before PostgreSQL 12 (cannot run in a transaction block). */
  | 'enum-add-value'
  | 'alter-system'
  /** CREATE/DROP DATABASE, CREATE/DROP TABLESPACE. */
  | 'database'
  /** Any other statement PostgreSQL refuses inside a transaction block (REINDEX DATABASE/SYSTEM, subscriptions, ...). */
  | 'non-transactional';

const hasOption = (opts: Parameters<typeof as>[0][] | undefined, name: string) => (opts ?? []).some((o) => as(o, 'DefElem')?.defname === name);

/** The step kind of a statement PostgreSQL refuses to run inside a transaction block, else undefined. */
export function nonTransactionalKind(stmt: ParsedStatement, pgVersion: number): StepKind | undefined {
  const n = stmt.node;
  if (as(n, 'IndexStmt')?.concurrent) return 'create-index-concurrently';
  if (as(n, 'DropStmt')?.concurrent) return 'drop-index-concurrently';
  const reindex = as(n, 'ReindexStmt');
  if (reindex) {
    if (hasOption(reindex.params, 'concurrently')) return 'reindex-concurrently';
    if (reindex.kind === 'REINDEX_OBJECT_DATABASE' || reindex.kind === 'REINDEX_OBJECT_SYSTEM') return 'non-transactional';
  }
  if (as(n, 'VacuumStmt')?.is_vacuumcmd) return 'vacuum';
  if (isCommittingDo(stmt)) return 'batched';
  const alterEnum = as(n, 'AlterEnumStmt');
  if (alterEnum?.newVal !== undefined && alterEnum.oldVal === undefined && pgVersion < 12) return 'enum-add-value';
  if (as(n, 'AlterSystemStmt')) return 'alter-system';
  if (as(n, 'CreatedbStmt') || as(n, 'DropdbStmt') || as(n, 'CreateTableSpaceStmt') || as(n, 'DropTableSpaceStmt')) return 'database';
  if (isDetachConcurrently(stmt)) return 'detach-partition-concurrently';
  if (as(n, 'CreateSubscriptionStmt') || as(n, 'DropSubscriptionStmt')) return 'non-transactional';
  const cluster = as(n, 'ClusterStmt');
  if (cluster && !cluster.relation) return 'non-transactional';
  return undefined;
}

export function isDetachConcurrently(stmt: ParsedStatement): boolean {
  return (as(stmt.node, 'AlterTableStmt')?.cmds ?? []).some((c) => {
    const cmd = as(c, 'AlterTableCmd');
    return cmd?.subtype === 'AT_DetachPartition' && !!as(cmd.def, 'PartitionCmd')?.concurrent;
  });
}

/** DO whose body COMMITs: PostgreSQL refuses it in a transaction block ("invalid transaction termination"). */
export function isCommittingDo(stmt: ParsedStatement): boolean {
  return /\bCOMMIT(\s+AND\s+(NO\s+)?CHAIN)?\s*;/i.test(blanked(doBody(stmt) ?? ''));
}

/** ALTER TABLE whose only subcommands are VALIDATE CONSTRAINT; or a DO block that does nothing else (under IF,
 *  with RAISE in an EXCEPTION handler), as fix writes it to validate a check that may not exist or to explain a
 *  failure: it needs the same long statement_timeout and transaction of its own. */
export function isValidateConstraint(stmt: ParsedStatement): boolean {
  const cmds = as(stmt.node, 'AlterTableStmt')?.cmds ?? [];
  if (cmds.length > 0) return cmds.every((c) => as(c, 'AlterTableCmd')?.subtype === 'AT_ValidateConstraint');
  const statements = blanked(doBody(stmt) ?? '').split(';').map((s) => s.trim()).filter(Boolean);
  const ident = String.raw`(?:"(?:[^"]|"")*"|\w+)`;
  const control = String.raw`(?:BEGIN|DECLARE|IF\b[\s\S]*?\bTHEN|ELSE|EXCEPTION\s+WHEN\s+\w+\s+THEN)\s*`;
  const only = new RegExp(String.raw`^(?:${control})*(?:ALTER\s+TABLE\s+(?:ONLY\s+)?${ident}(?:\.${ident})?\s+VALIDATE\s+CONSTRAINT\s+${ident}|RAISE\b[\s\S]*|END(?:\s+IF)?)?$`, 'i');
  const writes = /\b(INSERT|UPDATE|DELETE|CREATE|DROP|EXECUTE|PERFORM|LOCK|COMMIT)\b/i;
  return statements.some((s) => /\bVALIDATE\s+CONSTRAINT\b/i.test(s)) && statements.every((s) => only.test(s) && !writes.test(s));
}

function doBody(stmt: ParsedStatement): string | undefined {
  const body = as(stmt.node, 'DoStmt')?.args?.map((a) => as(a, 'DefElem')).find((d) => d?.defname === 'as');
  return as(body?.arg, 'String')?.sval;
}

/** Comments and string literals blanked: words they only mention do not count. */
function blanked(code: string): string {
  return code.replace(/--[^\n]*/g, '').replace(/'[^']*'/g, "''");
}

/** ALTER TYPE ... ADD VALUE (PG 12+ allows it in a transaction, but the value is usable only after COMMIT). */
export function isEnumAddValue(stmt: ParsedStatement): boolean {
  const e = as(stmt.node, 'AlterEnumStmt');
  return e?.newVal !== undefined && e.oldVal === undefined;
}

/** Statements that may run for a long time without blocking application reads or writes: they get the long
 *  timeouts when their step takes no traffic-blocking lock. */
export function isLongNonBlocking(stmt: ParsedStatement): boolean {
  const n = stmt.node;
  if (as(n, 'IndexStmt')?.concurrent || as(n, 'DropStmt')?.concurrent) return true;
  if (isCommittingDo(stmt)) return true;
  if (hasOption(as(n, 'ReindexStmt')?.params, 'concurrently')) return true;
  const vacuum = as(n, 'VacuumStmt');
  if (vacuum) return !hasOption(vacuum.options, 'full');
  return isValidateConstraint(stmt) || isDetachConcurrently(stmt);
}

export type TimeoutName = 'lockTimeout' | 'statementTimeout';

/** A SET/RESET of lock_timeout or statement_timeout (or RESET ALL), which the planner turns into step settings. */
export interface TimeoutSetting {
  names: TimeoutName[];
  /** Milliseconds (0 = none); undefined for RESET / SET ... TO DEFAULT (back to the runner's default). */
  ms?: number;
  local: boolean;
  /** RESET ALL also resets every other setting: the planner keeps only its effect on the timeouts. */
  all: boolean;
}

const NAMES: Record<string, TimeoutName> = { lock_timeout: 'lockTimeout', statement_timeout: 'statementTimeout' };

export function timeoutSetting(stmt: ParsedStatement): TimeoutSetting | undefined {
  const set = as(stmt.node, 'VariableSetStmt');
  if (!set) return undefined;
  const local = !!set.is_local;
  if (set.kind === 'VAR_RESET_ALL') return { names: ['lockTimeout', 'statementTimeout'], local, all: true };
  const name = NAMES[(set.name ?? '').toLowerCase()];
  if (!name) return undefined;
  if (set.kind !== 'VAR_SET_VALUE') return { names: [name], local, all: false };
  const arg = as(set.args?.[0], 'A_Const');
  const raw = arg?.sval?.sval ?? (arg?.ival ? (arg.ival.ival ?? 0) : arg?.fval?.fval !== undefined ? Number(arg.fval.fval) : arg ? 0 : undefined);
  if (raw === undefined) throw new RangeError(`cannot read the value of: ${stmt.text}`);
  return { names: [name], ms: parseDuration(raw), local, all: false };
}
