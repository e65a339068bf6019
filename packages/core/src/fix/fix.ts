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
import { alterParts, onlyComments, openingEnd } from '../tokens.js';
import { createIndexConcurrently, dropIndexConcurrently } from './concurrent-index.js';
import { changeType, dropLater, renameColumn, renameTable } from './expand-contract.js';
import { requiredColumn, setNotNull } from './not-null.js';
import { notValidConstraint } from './not-valid-constraint.js';
import { partitionedIndex } from './partitioned-index.js';
import { uniqueConstraint } from './unique-constraint.js';
import { volatileDefault } from './volatile-default.js';
import { KEY_PLACEHOLDER } from './backfill.js';
import type { FixContext, Fixer, FixOptions, FixResult, FixStep, Piece, Rewrite } from './types.js';

const FIXERS: Fixer[] = [partitionedIndex, createIndexConcurrently, dropIndexConcurrently, notValidConstraint, uniqueConstraint, requiredColumn, volatileDefault, setNotNull, renameColumn, renameTable, changeType, dropLater];

/** Rules the prepended lock_timeout / statement_timeout answer. */
const TIMEOUT_RULES = new Set(['require-lock-timeout', 'require-statement-timeout', 'require-timeout-settings']);

export const FIX_DEFAULTS = { lockTimeout: '2s', statementTimeout: '1min', batchSize: 1000, pauseSeconds: 0.1 } as const;

export function fix(migration: ParsedMigration, options: FixOptions = {}): FixResult {
  const pgVersion = resolveOptions({ pgVersion: options.pgVersion }).pgVersion;
  const opts = { ...FIX_DEFAULTS, ...options, pgVersion, runnerSetsTimeouts: !!options.runnerSetsTimeouts, values: options.values ?? {}, types: options.types ?? {} };
  const { source, statements } = migration;
  const schema = options.schema ?? new SchemaModel(statements);
  const findings = analyze(migration, { pgVersion, runnerSetsTimeouts: !!options.runnerSetsTimeouts, schema, ...(options.severities ? { severities: options.severities } : {}) });
  const findingsOf = new Map<number, Finding[]>();
  for (const f of findings) findingsOf.set(f.statement.index, [...(findingsOf.get(f.statement.index) ?? []), f]);
  const result: FixResult = { file: migration.file, source, steps: [], deploys: [{ deploy: 1 }], changes: [], todos: [], unfixed: [] };
  const deferred: FixStep[] = [];
  const fixed = new Set<Finding>();
  const add = (piece: Piece, deploy: number) => {
    const step: FixStep = { sql: piece.sql, transactional: piece.transactional, alone: !piece.transactional || !!piece.alone, long: !!piece.long, slug: piece.slug, deploy };
    (piece.deferrable ? deferred : result.steps).push(step);
  };
  const keep = (sql: string) => add({ sql, transactional: true, slug: 'migration' }, 1);
  let inBlock = false;

  // The file's opening comments stay at the top (cut outside any comment: see openingEnd).
  const opening = statements.length ? source.slice(0, openingEnd(source, statements[0]!.start.offset)) : '';
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
    const units = splitAlter(migration, stmt, findingsOf.get(stmt.index) ?? []);
    // Each unit that stays as written carries its open findings as to-do comments (keepUndecided).
    const todoOf = (unit: Unit) => (options.keepUndecided ? todoComments(unit.findings) : '');
    const rewrites = units.map((unit, u) => {
      // What follows is built only for the fixers that look at it: built for every statement, it made fix
      // quadratic in the file's length (a 10,000-statement file took 20 s).
      const ctx: FixContext = {
        migration, stmt, node: unit.node, text: unit.text, table: unit.table, findings: unit.findings, schema, options: opts,
        get later() {
          return statements.slice(i + 1);
        },
        get after() {
          return [...units.slice(u + 1).map((n) => ({ node: n.node, line: stmt.start.line })), ...statements.slice(i + 1).map((s) => ({ node: s.node, line: s.start.line }))];
        },
      };
      for (const fixer of FIXERS) {
        const rewrite = fixer(ctx);
        if (!rewrite) continue;
        return options.keepUndecided && undecided(rewrite) ? undefined : rewrite;
      }
      return undefined;
    });
    // A rewrite that keeps the statement as written (a drop that cannot move) only leaves its to-dos.
    for (const rewrite of rewrites) if (rewrite?.kept) for (const todo of rewrite.todos ?? []) result.todos.push({ line: stmt.start.line, message: todo });
    if (!rewrites.some((r) => r && !r.kept)) {
      const todo = units.map(todoOf).join('');
      keep(todo ? source.slice(from, stmt.start.offset) + todo + source.slice(stmt.start.offset, to) : chunk);
      continue;
    }
    // Each rewritten part answers its own findings of the rule it rewrote.
    for (const [u, rewrite] of rewrites.entries()) if (rewrite && !rewrite.kept) for (const f of units[u]!.findings) if (f.rule === rewrite.rule || units.length === 1) fixed.add(f);
    const out: { piece: Piece; deploy: number }[] = [];
    for (const [u, rewrite] of rewrites.entries()) {
      if (!rewrite || rewrite.kept) {
        out.push({ piece: { sql: `${todoOf(units[u]!)}${units[u]!.text};`, transactional: true, slug: 'migration' }, deploy: 1 });
        continue;
      }
      result.changes.push({ line: stmt.start.line, rule: rewrite.rule, message: rewrite.message });
      for (const todo of rewrite.todos ?? []) result.todos.push({ line: stmt.start.line, message: todo });
      if (rewrite.pieces.some((p) => p.sql.includes(KEY_PLACEHOLDER)) && units[u]!.table) {
        result.todos.push({ line: stmt.start.line, message: `the migrations show no single-column key of ${units[u]!.table!.sql} for the batched backfill to walk: replace "${KEY_PLACEHOLDER}" with a unique, indexed column (pgsafe fix --key <column>)` });
      }
      for (const piece of rewrite.pieces) out.push({ piece, deploy: 1 + (piece.deploy ?? 0) });
      for (const [offset, note] of Object.entries(rewrite.app ?? {})) {
        const deploy = 1 + Number(offset);
        while (result.deploys.length < deploy) result.deploys.push({ deploy: result.deploys.length + 1 });
        const entry = result.deploys[deploy - 1]!;
        entry.before = entry.before ? `${entry.before}; ${note}` : note;
      }
    }
    // The comments before the statement stay before what replaces it in this deploy (Prisma's `-- AlterTable`).
    const lead = out.find((o) => o.deploy === 1) ?? out[0];
    if (lead) lead.piece = { ...lead.piece, sql: source.slice(from, stmt.start.offset) + lead.piece.sql };
    for (const { piece, deploy } of out) add(piece, deploy);
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

/** A rewrite that needs the user's choice or a later deploy (see FixOptions.keepUndecided). */
function undecided(rewrite: Rewrite): boolean {
  return !rewrite.kept && (!!rewrite.todos?.length || !!rewrite.app || rewrite.pieces.some((p) => (p.deploy ?? 0) > 0 || p.sql.includes(KEY_PLACEHOLDER) || p.sql.includes('<value>')));
}

/** `-- pgsafe to do` lines for the error-level findings of a statement kept as written: the rule, what is wrong and
 *  what to do instead (`pgsafe explain <rule>` has the recipe's SQL). */
function todoComments(findings: Finding[]): string {
  return findings
    .filter((f) => f.severity === 'error' && !TIMEOUT_RULES.has(f.rule))
    .map((f) => `-- pgsafe to do [${f.rule}]: ${oneLine(f.message)} By hand: ${oneLine(f.recipe.summary)} (pgsafe explain ${f.rule})\n`)
    .join('');
}

const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(line) ? line : `${line}.`;
};

interface Unit {
  node: Node;
  text: string;
  table?: TableRef;
  findings: Finding[];
}

/** An ALTER TABLE with several subcommands, one of them flagged, is cut into one statement per subcommand, each in
 *  the statement's own words (see alterParts), so that each can be rewritten on its own and each keeps its
 *  findings: those pointing inside it, and those of the whole statement. Otherwise the statement is one unit. */
function splitAlter(migration: ParsedMigration, stmt: ParsedStatement, findings: Finding[]): Unit[] {
  const alter = as(stmt.node, 'AlterTableStmt');
  const table = tableRef(alter?.relation) ?? tableRef(as(stmt.node, 'RenameStmt')?.relation) ?? tableRef(as(stmt.node, 'IndexStmt')?.relation);
  const where = table ? { table } : {};
  if (!alter || (alter.cmds?.length ?? 0) < 2 || !findings.length) return [{ node: stmt.node, text: stmt.text, findings, ...where }];
  const cut = alterParts(migration, stmt);
  const inside = (f: Finding) => cut?.parts.findIndex((p) => f.start.offset >= p.start && f.start.offset < p.end) ?? -1;
  return alter.cmds!.map((cmd, k) => {
    const node: Node = { AlterTableStmt: { ...alter, cmds: [cmd] } };
    // The deparsed subcommand only if the scanner could not cut the text (it always can what PostgreSQL parsed).
    const text = cut ? `${cut.head} ${cut.parts[k]!.text}` : sqlOf(node);
    return { node, text, findings: findings.filter((f) => [k, -1].includes(inside(f))), ...where };
  });
}

/** Steps of each deploy together, in order (a later deploy's steps come from statements anywhere in the file). */
function orderByDeploy(steps: FixStep[]): FixStep[] {
  // A renamed table's old-name view goes first in its deploy: it holds every column (SELECT *), so a column drop
  // moved to that deploy would fail on it.
  const rank = (s: FixStep) => (s.slug === 'drop_old_name' ? 0 : 1);
  return steps.map((s, i) => [s, i] as const).sort((a, b) => a[0].deploy - b[0].deploy || rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([s]) => s);
}

/** Neighbouring transactional steps of one deploy become one step (one transaction); comments between steps go
 *  with the step after them. A merged step's text is kept as its pieces until the end: a string grown by + is a
 *  rope, which every look at its end would flatten again (a 10,000-statement file took seconds in that alone). */
function merge(steps: FixStep[]): FixStep[] {
  const out: { step: FixStep; pieces: string[] }[] = [];
  let comments = '';
  for (const step of steps) {
    if (onlyComments(step.sql)) {
      comments += step.sql;
      continue;
    }
    const prev = out.at(-1);
    let sql = step.sql;
    if (comments && step.deploy > 1 && prev) prev.pieces.push(comments);
    else if (comments) sql = comments + sql;
    comments = '';
    if (prev && !prev.step.alone && !step.alone && prev.step.deploy === step.deploy) {
      if (!endsWithLineBreak(prev.pieces) && !/^\s*\n/.test(sql)) prev.pieces.push('\n');
      prev.pieces.push(sql);
      prev.step = { ...prev.step, long: prev.step.long && step.long, slug: prev.step.slug === 'migration' ? step.slug : prev.step.slug };
    } else out.push({ step, pieces: [sql] });
  }
  if (comments) {
    const last = out.at(-1);
    if (last) last.pieces.push(comments);
    else out.push({ step: { sql: '', transactional: true, alone: false, long: false, slug: 'migration', deploy: 1 }, pieces: [comments] });
  }
  return out.map(({ step, pieces }) => ({ ...step, sql: pieces.join('') }));
}

/** Whether only whitespace follows the last line break of the text made of `pieces`. */
function endsWithLineBreak(pieces: string[]): boolean {
  for (let p = pieces.length - 1; p >= 0; p--) {
    const piece = pieces[p]!;
    for (let i = piece.length - 1; i >= 0; i--) {
      const c = piece[i]!;
      if (c === '\n') return true;
      if (c.trim()) return false;
    }
  }
  return false;
}

/** The offset just after the `;` ending a statement that ends at `end`, or `end` when there is none. */
function afterSemicolon(source: string, end: number): number {
  const m = /^\s*;/.exec(source.slice(end));
  return m ? end + m[0].length : end;
}
