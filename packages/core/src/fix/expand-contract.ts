/** Renames, drops and type changes break the application version still running, whatever the locks: one file
 *  cannot make them safe. They become an expand-and-contract plan over several deploys, each labeled with what the
 *  application must do before it. */
import { as } from '../ast.js';
import { parseMigration } from '../parse.js';
import { quoteIdent, quoteQualified } from '../sql.js';
import { backfillPiece } from './backfill.js';
import type { FixContext, Piece, Rewrite } from './types.js';

export function renameColumn(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'renaming-column');
  const rename = as(ctx.node, 'RenameStmt');
  if (!finding || !ctx.table || !rename?.subname || !rename.newname) return undefined;
  const { table } = ctx;
  const from = quoteIdent(rename.subname);
  const to = quoteIdent(rename.newname);
  const known = ctx.schema.column(table, rename.subname, ctx.stmt.index)?.type.sql ?? ctx.options.types[`${table.name}.${rename.subname}`] ?? ctx.options.types[rename.subname];
  return {
    rule: finding.rule,
    message: `RENAME COLUMN ${from} TO ${to} → expand and contract over 3 deploys: add ${to}, write both, backfill, read ${to}, drop ${from}`,
    pieces: [
      { sql: `ALTER TABLE ${table.sql} ADD COLUMN ${to} ${known ?? `<type of ${rename.subname}>`};`, transactional: true, slug: 'add_column' },
      { ...backfillPiece(ctx, table, rename.newname, from), deploy: 1 },
      { sql: `-- pgsafe-ignore ban-drop-column: renamed to ${to}, which the application uses since the previous deploy\nALTER TABLE ${table.sql} DROP COLUMN ${from};`, transactional: true, slug: 'drop_old_column', deploy: 2 },
    ],
    ...(known ? {} : { todos: [`write the type of ${table.sql}.${from} for the new column ${to} (replace <type of ${rename.subname}>, or pgsafe fix --type ${table.name}.${rename.subname}=<type>), and copy its default, NOT NULL and constraints after the backfill`] }),
    app: {
      1: `write both ${from} and ${to} on every insert and update of ${table.sql}, and wait until no older version runs`,
      2: `read and write only ${to}; nothing may use ${from} any more`,
    },
  };
}

export function renameTable(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'renaming-table');
  const rename = as(ctx.node, 'RenameStmt');
  if (!finding || !ctx.table || !rename?.newname) return undefined;
  const to = quoteQualified(ctx.table.schema, rename.newname);
  return {
    rule: finding.rule,
    message: `RENAME TO ${quoteIdent(rename.newname)} → rename and keep an updatable view under the old name until the application uses the new one`,
    pieces: [
      { sql: `${ctx.text};\nCREATE VIEW ${ctx.table.sql} AS SELECT * FROM ${to};`, transactional: true, slug: 'rename_table' },
      { sql: `DROP VIEW ${ctx.table.sql};`, transactional: true, slug: 'drop_old_name', deploy: 1 },
    ],
    app: { 1: `use ${to} instead of ${ctx.table.sql} everywhere, and wait until no older version runs` },
  };
}

/** DROP COLUMN / DROP TABLE: the rule's recipe is already the two deploys: its `deploy 1 (app)` line is what the
 *  application must do, its lines after `deploy 2 (migration)` the migration of the second deploy. */
export function dropLater(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'ban-drop-column' || f.rule === 'ban-drop-table');
  if (!finding) return undefined;
  const lines = finding.recipe.sql.split('\n');
  const app = /^-- deploy 1 \(app\): (.*)$/.exec(lines[0] ?? '')?.[1];
  const second = lines.findIndex((l) => l.startsWith('-- deploy 2 (migration)'));
  if (!app || second < 0) return undefined;
  // A multi-table DROP TABLE has one ignore comment and one statement per table in the recipe: kept together.
  return {
    rule: finding.rule,
    message: `${finding.rule === 'ban-drop-table' ? 'DROP TABLE' : 'DROP COLUMN'} → a later deploy, after the application stopped using it`,
    pieces: [{ sql: lines.slice(second + 1).join('\n'), transactional: true, slug: 'drop', deploy: 1 }],
    app: { 1: app },
  };
}

/** ALTER COLUMN ... TYPE: the rule's recipe (new column kept in sync by a trigger, batched backfill, swap in one
 *  short transaction) cut into steps; the old column is dropped in the next deploy. */
export function changeType(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'changing-column-type');
  const cmd = as(as(ctx.node, 'AlterTableStmt')?.cmds?.[0], 'AlterTableCmd');
  if (!finding || !ctx.table || cmd?.subtype !== 'AT_AlterColumnType' || !cmd.name || !finding.recipe.sql.includes('\nDO $$')) return undefined;
  const recipe = parseMigration(finding.recipe.sql, 'recipe.sql').statements;
  const doAt = recipe.findIndex((s) => s.kind === 'DoStmt');
  const swap = recipe.slice(doAt + 1).filter((s) => s.kind !== 'TransactionStmt' && s.kind !== 'VariableSetStmt');
  const old = /-- later, once nothing reads it: (ALTER TABLE .* DROP COLUMN .*;)$/m.exec(finding.recipe.sql)?.[1];
  if (doAt < 1 || !swap.length || !old) return undefined;
  const text = (list: typeof recipe) => list.map((s) => `${s.text};`).join('\n');
  const pieces: Piece[] = [
    { sql: text(recipe.slice(0, doAt)), transactional: true, slug: 'new_column' },
    { sql: `${recipe[doAt]!.text};`, transactional: false, slug: 'backfill', long: true },
    { sql: text(swap), transactional: true, slug: 'swap_columns', alone: true },
    { sql: `-- pgsafe-ignore ban-drop-column: the column before the type change, unused since the swap\n${old}`, transactional: true, slug: 'drop_old_column', deploy: 1 },
  ];
  return {
    rule: finding.rule,
    message: `ALTER COLUMN ${quoteIdent(cmd.name)} TYPE → a new column synced by a trigger, batched backfill, a swap in one short transaction; the old column dropped in the next deploy`,
    pieces,
    todos: [`before the swap, give the new column of ${ctx.table.sql}.${quoteIdent(cmd.name)} the default, NOT NULL, constraints and indexes of the old one (the swap step only renames)`],
    app: { 1: `nothing to change in the code (the column kept its name); check that the new type is read correctly` },
  };
}

