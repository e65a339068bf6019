/**
 * fix(): a migration → its safe, equivalent form as steps (what runs in one transaction, what runs alone outside
 * one) over one or more deploys. Each rewrite answers a rule's finding and reuses its recipe where the recipe holds
 * the exact SQL; statements no rule flags are kept as written, comments included. Render the result with
 * `renderRunFiles` (pgsafe run), `renderPrismaMigrations`, `renderKnexMigrations`, `renderTypeormMigrations` or
 * `renderMikroOrmMigrations`.
 */
import type { Node } from '@pgsql/types';
import { analyze } from '../analyze.js';
import { as, sqlOf, tableRef, type TableRef } from '../ast.js';
import type { Finding } from '../finding.js';
import { resolveOptions } from '../options.js';
import type { ParsedMigration, ParsedStatement } from '../parse.js';
import { nonTransactionalKind } from '../plan/classify.js';
import { SchemaModel } from '../schema-model.js';
import { createIndexConcurrently, dropIndexConcurrently } from './concurrent-index.js';
import { changeType, dropLater, renameColumn, renameTable } from './expand-contract.js';
import { requiredColumn, setNotNull } from './not-null.js';
import { notValidConstraint } from './not-valid-constraint.js';
import { uniqueConstraint } from './unique-constraint.js';
import { volatileDefault } from './volatile-default.js';
import type { FixContext, Fixer, FixOptions, FixResult, FixStep, Piece } from './types.js';

const FIXERS: Fixer[] = [createIndexConcurrently, dropIndexConcurrently, notValidConstraint, uniqueConstraint, requiredColumn, volatileDefault, setNotNull, renameColumn, renameTable, changeType, dropLater];

/** Rules the prepended lock_timeout / statement_timeout answer. */
const TIMEOUT_RULES = new Set(['require-lock-timeout', 'require-statement-timeout', 'require-timeout-settings']);

export const FIX_DEFAULTS = { lockTimeout: '2s', statementTimeout: '1min', batchSize: 1000, pauseSeconds: 0.1, key: 'id' } as const;

export function fix(migration: ParsedMigration, options: FixOptions = {}): FixResult {
  const pgVersion = resolveOptions({ pgVersion: options.pgVersion }).pgVersion;
  const opts = { ...FIX_DEFAULTS, ...options, pgVersion, runnerSetsTimeouts: !!options.runnerSetsTimeouts, values: options.values ?? {}, types: options.types ?? {} };
  const findings = analyze(migration, { pgVersion, runnerSetsTimeouts: !!options.runnerSetsTimeouts, ...(options.severities ? { severities: options.severities } : {}) });
  const { source, statements } = migration;
  const schema = new SchemaModel(statements);
  const result: FixResult = { file: migration.file, source, steps: [], deploys: [{ deploy: 1 }], changes: [], todos: [], unfixed: [] };
  const deferred: FixStep[] = [];
  const fixed = new Set<Finding>();
  const add = (piece: Piece, deploy: number) => {
    const step: FixStep = { sql: piece.sql, transactional: piece.transactional, alone: !piece.transactional || !!piece.alone, long: !!piece.long, slug: piece.slug, deploy };
    (piece.deferrable ? deferred : result.steps).push(step);
  };
  const keep = (sql: string) => add({ sql, transactional: true, slug: 'migration' }, 1);
  let inBlock = false;

  // The file's opening comments, up to the last blank line before the first statement, stay at the top.
  const opening = statements.length ? (/^[\s\S]*\n[ \t]*\n/.exec(source.slice(0, statements[0]!.start.offset))?.[0] ?? '') : '';
  if (opening.trim()) result.header = opening.trim();
  for (const [i, stmt] of statements.entries()) {
    const from = i === 0 ? opening.length : afterSemicolon(source, statements[i - 1]!.end.offset);
    const to = i === statements.length - 1 ? source.length : afterSemicolon(source, stmt.end.offset);
    const chunk = source.slice(from, to);
    const transaction = as(stmt.node, 'TransactionStmt');
    if (transaction?.kind === 'TRANS_STMT_BEGIN' || transaction?.kind === 'TRANS_STMT_START') inBlock = true;
    const wasInBlock = inBlock;
    if (transaction?.kind === 'TRANS_STMT_COMMIT' || transaction?.kind === 'TRANS_STMT_ROLLBACK') inBlock = false;
    // An explicit transaction block is the author's decision: kept as written.
    if (wasInBlock || transaction) {
      keep(chunk);
      continue;
    }
    const kind = nonTransactionalKind(stmt, pgVersion);
    if (kind) {
      add({ sql: chunk, transactional: false, slug: kind.replace(/-/g, '_') }, 1);
      continue;
    }
    const mine = findings.filter((f) => f.statement.index === stmt.index);
    const units = splitAlter(stmt, mine);
    const rewrites = units.map((unit) => {
      const ctx: FixContext = { migration, stmt, node: unit.node, text: unit.text, table: unit.table, findings: mine, schema, options: opts, later: statements.slice(i + 1) };
      for (const fixer of FIXERS) {
        const rewrite = fixer(ctx);
        if (rewrite) return rewrite;
      }
      return undefined;
    });
    if (!rewrites.some(Boolean)) {
      keep(chunk);
      continue;
    }
    // Findings on a statement rewritten as a whole are answered; on a split one, only those of the rewritten parts.
    const answered = rewrites.every(Boolean) ? undefined : new Set(rewrites.map((r) => r?.rule));
    for (const f of mine) if (!answered || answered.has(f.rule)) fixed.add(f);
    // The comments before the statement stay before what replaces it.
    let lead = source.slice(from, stmt.start.offset);
    const withLead = (sql: string) => {
      const out = lead + sql;
      lead = '';
      return out;
    };
    for (const [u, rewrite] of rewrites.entries()) {
      if (!rewrite) {
        keep(withLead(`${units[u]!.text};`));
        continue;
      }
      result.changes.push({ line: stmt.start.line, rule: rewrite.rule, message: rewrite.message });
      for (const todo of rewrite.todos ?? []) result.todos.push({ line: stmt.start.line, message: todo });
      for (const piece of rewrite.pieces) add({ ...piece, sql: withLead(piece.sql) }, 1 + (piece.deploy ?? 0));
      for (const [offset, note] of Object.entries(rewrite.app ?? {})) {
        const deploy = 1 + Number(offset);
        while (result.deploys.length < deploy) result.deploys.push({ deploy: result.deploys.length + 1 });
        const entry = result.deploys[deploy - 1]!;
        entry.before = entry.before ? `${entry.before}; ${note}` : note;
      }
    }
    const rest = source.slice(stmt.end.offset, to).replace(/^\s*;/, '');
    if (rest.trim()) keep(rest);
  }
  if (!statements.length) keep(source);

  const timeouts = findings.filter((f) => TIMEOUT_RULES.has(f.rule));
  if (timeouts.length) {
    result.timeouts = { lockTimeout: opts.lockTimeout, statementTimeout: opts.statementTimeout };
    result.changes.unshift({ line: 1, rule: timeouts[0]!.rule, message: `lock_timeout ${opts.lockTimeout} and statement_timeout ${opts.statementTimeout} set before the steps (pgsafe run keeps its long timeouts for the steps that block no traffic)` });
  }
  result.steps = merge(orderByDeploy([...result.steps, ...deferred]));
  result.unfixed = findings.filter((f) => f.severity === 'error' && !TIMEOUT_RULES.has(f.rule) && !fixed.has(f));
  return result;
}

/** An ALTER TABLE with several subcommands, one of them flagged, is cut into one statement per subcommand so that
 *  each can be rewritten on its own; otherwise the statement is one unit, as written. */
function splitAlter(stmt: ParsedStatement, findings: Finding[]): { node: Node; text: string; table?: TableRef }[] {
  const alter = as(stmt.node, 'AlterTableStmt');
  const table = tableRef(alter?.relation) ?? tableRef(as(stmt.node, 'RenameStmt')?.relation) ?? tableRef(as(stmt.node, 'IndexStmt')?.relation);
  if (!alter || (alter.cmds?.length ?? 0) < 2 || !findings.length) return [{ node: stmt.node, text: stmt.text, ...(table ? { table } : {}) }];
  return alter.cmds!.map((cmd) => {
    const node: Node = { AlterTableStmt: { ...alter, cmds: [cmd] } };
    return { node, text: sqlOf(node), ...(table ? { table } : {}) };
  });
}

/** Steps of each deploy together, in order (a later deploy's steps come from statements anywhere in the file). */
function orderByDeploy(steps: FixStep[]): FixStep[] {
  return steps.map((s, i) => [s, i] as const).sort((a, b) => a[0].deploy - b[0].deploy || a[1] - b[1]).map(([s]) => s);
}

/** Neighbouring transactional steps of one deploy become one step (one transaction); comments between steps go
 *  with the step after them. */
function merge(steps: FixStep[]): FixStep[] {
  const out: FixStep[] = [];
  let comments = '';
  for (const step of steps) {
    if (!stripComments(step.sql)) {
      comments += step.sql;
      continue;
    }
    if (comments && step.deploy > 1 && out.at(-1)) out.at(-1)!.sql += comments;
    else if (comments) step.sql = comments + step.sql;
    comments = '';
    const prev = out.at(-1);
    if (prev && !prev.alone && !step.alone && prev.deploy === step.deploy) {
      const kept = prev.slug === 'migration' ? step.slug : prev.slug;
      out[out.length - 1] = { ...prev, sql: joinSql(prev.sql, step.sql), long: prev.long && step.long, slug: kept };
    } else out.push({ ...step });
  }
  if (comments) {
    const last = out.at(-1);
    if (last) last.sql += comments;
    else out.push({ sql: comments, transactional: true, alone: false, long: false, slug: 'migration', deploy: 1 });
  }
  return out;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
}

function joinSql(a: string, b: string): string {
  return /\n\s*$/.test(a) || /^\s*\n/.test(b) ? a + b : `${a}\n${b}`;
}

/** The offset just after the `;` ending a statement that ends at `end`, or `end` when there is none. */
function afterSemicolon(source: string, end: number): number {
  const m = /^\s*;/.exec(source.slice(end));
  return m ? end + m[0].length : end;
}
