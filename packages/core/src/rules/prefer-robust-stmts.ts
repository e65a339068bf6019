import { as } from '../ast.js';
import { defineRule } from '../rule.js';
import type { ParsedMigration, ParsedStatement } from '../parse.js';
import { alterParts, tokens } from '../tokens.js';

/** Outside a transaction, a migration that fails half-way leaves its first statements applied; re-running it then
 *  fails on them unless they are idempotent. Reported once per migration (squawk reports every statement), and not
 *  for statements inside a transaction, which roll back together, nor for a statement nothing can fail after (the last
 *  of its file but SET/RESET: a re-run is needed only when it failed itself, and IF NOT EXISTS would then keep the
 *  invalid index a failed CONCURRENTLY build leaves). `pgsafe run` adds the guards itself. */
export default defineRule({
  id: 'prefer-robust-stmts',
  severity: 'warning',
  kinds: ['IndexStmt', 'DropStmt', 'CreateStmt', 'AlterTableStmt'],
  summary: 'Outside a transaction, statements without IF [NOT] EXISTS make a half-applied migration impossible to re-run.',
  check(ctx) {
    if (ctx.state.inTransaction || !fragile(ctx.statement.node)) return undefined;
    const first = ctx.migration.statements.find((s) => !ctx.states[s.index]!.inTransaction && fragile(s.node));
    if (first?.index !== ctx.statement.index) return undefined;
    if (!ctx.migration.statements.some((s) => s.index > first.index && !as(s.node, 'VariableSetStmt'))) return undefined;
    const count = ctx.migration.statements.filter((s) => !ctx.states[s.index]!.inTransaction && fragile(s.node)).length;
    return {
      message: `This statement${count > 1 ? ` (and ${count - 1} more)` : ''} cannot run twice: if the migration fails after it, re-running it fails here.`,
      why: 'Statements outside a transaction block commit one by one (CONCURRENTLY ones must). When a later statement fails, the earlier ones stay applied, and the retry stops at the first one with "already exists" or "does not exist".',
      recipe: {
        summary: 'Make each statement idempotent (IF NOT EXISTS / IF EXISTS), or group the ones that can run in a transaction into one; `pgsafe run` adds the guards where PostgreSQL has them.',
        sql: robustForm(ctx.migration, ctx.statement),
        versions: 'ADD COLUMN IF NOT EXISTS: PG 9.6+; CREATE INDEX IF NOT EXISTS: PG 9.5+.',
      },
    };
  },
});

/** Statements that fail when re-run and have an IF [NOT] EXISTS form. */
function fragile(node: Parameters<typeof as>[0]): boolean {
  const index = as(node, 'IndexStmt');
  if (index) return !index.if_not_exists && !!index.idxname;
  const drop = as(node, 'DropStmt');
  if (drop) return !drop.missing_ok;
  const create = as(node, 'CreateStmt');
  if (create) return !create.if_not_exists;
  const alter = as(node, 'AlterTableStmt');
  return (alter?.cmds ?? []).some((c) => {
    const cmd = as(c, 'AlterTableCmd');
    return (cmd?.subtype === 'AT_AddColumn' || cmd?.subtype === 'AT_DropColumn') && !cmd.missing_ok;
  });
}

function robustForm(migration: ParsedMigration, stmt: ParsedStatement): string {
  const { node, text } = stmt;
  const rewrites: [RegExp, string][] = [
    [/^(CREATE\s+(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?)\s+/i, '$1 IF NOT EXISTS '],
    [/^(DROP\s+(?:TABLE|INDEX(?:\s+CONCURRENTLY)?|VIEW|SEQUENCE|TYPE|SCHEMA|FUNCTION))\s+/i, '$1 IF EXISTS '],
    [/^(CREATE\s+TABLE)\s+/i, '$1 IF NOT EXISTS '],
  ];
  const rewrite = rewrites.find(([pattern]) => pattern.test(text));
  const robust = as(node, 'AlterTableStmt') ? robustAlter(migration, stmt) : rewrite && text.replace(...rewrite);
  if (robust) return `${robust};`;
  // No form found: the whole statement, every line of it, commented out below the advice.
  return ['-- add IF NOT EXISTS / IF EXISTS to:', ...text.split('\n').map((l) => `-- ${l}`)].join('\n');
}

/** IF NOT EXISTS after each ADD [COLUMN] of a column, IF EXISTS after each DROP [COLUMN], found by the scanner in
 *  each subcommand as written; the other subcommands (ADD CONSTRAINT, ...) have no such form and stay. */
function robustAlter(migration: ParsedMigration, stmt: ParsedStatement): string | undefined {
  const cut = alterParts(migration, stmt);
  const cmds = as(stmt.node, 'AlterTableStmt')?.cmds ?? [];
  if (!cut) return undefined;
  const parts = cut.parts.map((part, k) => {
    const cmd = as(cmds[k], 'AlterTableCmd');
    const guard = cmd?.missing_ok ? undefined : cmd?.subtype === 'AT_AddColumn' ? 'IF NOT EXISTS' : cmd?.subtype === 'AT_DropColumn' ? 'IF EXISTS' : undefined;
    const words = guard ? tokens(part.text)?.filter((t) => !t.comment) : undefined;
    if (!guard || !words?.length) return part.text;
    const at = (/^column$/i.test(words[1]?.text ?? '') ? words[1]! : words[0]!).end;
    return `${part.text.slice(0, at)} ${guard}${part.text.slice(at)}`;
  });
  const head = stmt.text.slice(0, cut.parts[0]!.start - stmt.start.offset);
  return head + parts.map((p, k) => (k ? stmt.text.slice(cut.parts[k - 1]!.end - stmt.start.offset, cut.parts[k]!.start - stmt.start.offset) : '') + p).join('');
}
