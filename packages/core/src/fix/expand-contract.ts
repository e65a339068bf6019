/** Renames, drops and type changes break the application version still running, whatever the locks: one file
 *  cannot make them safe. They become an expand-and-contract plan over several deploys, each labeled with what the
 *  application must do before it. */
import { as, sqlOf, tableRef, tableRefOf, tableRefOfList, type TableRef } from '../ast.js';
import { parseMigration } from '../parse.js';
import { makeName, notNullCheckName, quoteIdent, quoteLiteral, quoteQualified } from '../sql.js';
import { backfillPiece } from './backfill.js';
import { validateNotNull } from './not-null.js';
import { findingAt } from './finding-at.js';
import { knownKey } from '../table-key.js';
import type { FixContext, Piece, Rewrite } from './types.js';

export function renameColumn(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'renaming-column');
  const rename = as(ctx.node, 'RenameStmt');
  if (!finding || !ctx.table || !rename?.subname || !rename.newname) return undefined;
  const { table } = ctx;
  const from = quoteIdent(rename.subname);
  const to = quoteIdent(rename.newname);
  if (hasIndexOrKey(ctx, table, rename.subname, rename.newname)) return keptForIndex(finding.rule, table, rename.subname, 'the rename');
  const view = viewLater(ctx, table);
  if (view) {
    return { rule: finding.rule, message: `the rename of ${from} stays as written`, pieces: [], kept: true, todos: [`line ${view.line} makes a view over ${table.sql}: made while ${from} still exists (expand and contract keeps it until a later deploy), it would depend on it and the old column could never be dropped. The rename stays as written`] };
  }
  // The old column lives on until a later deploy: a later statement of the file that needs it gone (one that adds a
  // column of its name again, or drops a type it may use) would fail, or do nothing (ADD COLUMN IF NOT EXISTS).
  const blocker = neededGone(ctx, rename.subname);
  if (blocker) {
    return { rule: finding.rule, message: `the rename of ${from} stays as written`, pieces: [], kept: true, todos: [`line ${blocker.line} ${blocker.why.replace('the dropped column', from)}: expand and contract keeps ${from} until a later deploy, so that statement would not find it gone. The rename stays as written`] };
  }
  const known = storedType(ctx.schema.column(table, rename.subname, ctx.stmt.index)?.type.sql) ?? ctx.options.types[`${table.name}.${rename.subname}`] ?? ctx.options.types[rename.subname];
  const carry = carryOver(table, rename.subname, rename.newname);
  // The later deploys find the table under the name the rest of the file gives it (its old name is then a view).
  const later = renamedLater(ctx, table);
  const then = later === table ? carry : carryOver(later, rename.subname, rename.newname);
  // The file makes the renamed column nullable itself: the new column stays so (the old one's NOT NULL still goes).
  const nullable = dropsNotNullLater(ctx, table, rename.newname);
  return {
    rule: finding.rule,
    message: `RENAME COLUMN ${from} TO ${to} → expand and contract over 3 deploys: add ${to} with the default of ${from}, write both, backfill, ${nullable ? `${to} nullable as the file makes it` : `NOT NULL as ${from} has it`}, read ${to}, drop ${from}`,
    pieces: [
      { sql: [carry.guard, `ALTER TABLE ${table.sql} ADD COLUMN ${to} ${known ?? `<type of ${rename.subname}>`};`, carry.default].join('\n'), transactional: true, slug: 'add_column' },
      { ...backfillPiece(ctx, later, rename.newname, from), deploy: 1 },
      ...(nullable
        ? []
        : [
            { sql: then.notNullCheck, transactional: true, slug: 'not_null_check', deploy: 1 },
            { sql: then.validate, transactional: true, slug: 'validate_not_null', long: true, alone: true, deploy: 1 },
          ]),
      // The application stops writing the old column before the next deploy's migration: its NOT NULL goes now.
      { sql: [then.moveNotNull(rename.subname), ...(mayOwnSequence(known) ? [then.moveSequences(rename.subname)] : [])].join('\n'), transactional: true, slug: 'set_not_null', deploy: 1 },
      { sql: `${mustExist(later, rename.newname, 'the new column')}\n-- pgsafe-ignore ban-drop-column: renamed to ${to}, which the application uses since the previous deploy\nALTER TABLE ${later.sql} DROP COLUMN ${from};`, transactional: true, slug: 'drop_old_column', deploy: 2 },
    ],
    ...(known ? {} : { todos: [`write the type of ${table.sql}.${from} for the new column ${to} (replace <type of ${rename.subname}>, or pgsafe fix --type ${table.name}.${rename.subname}=<type>)`] }),
    app: {
      1: `write both ${from} and ${to} on every insert and update of ${table.sql}, and wait until no older version runs`,
      2: `read and write only ${to}; nothing may use ${from} any more`,
    },
  };
}

const SERIAL_STORAGE: Record<string, string> = { serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint' };

/** The type a column of this declared type holds: a serial column is an integer whose default (carried over on its
 *  own) uses the sequence; declared serial again, the new column would make a sequence of its own. */
function storedType(sql: string | undefined): string | undefined {
  return sql && (SERIAL_STORAGE[sql.toLowerCase()] ?? sql);
}

/** A column of this type (unknown: maybe) can own a sequence, as a serial column or through ALTER SEQUENCE ... OWNED BY
 *  does: only integer columns are given one in practice. */
function mayOwnSequence(type: string | undefined): boolean {
  return type === undefined || /^(smallint|integer|bigint|int[248]?)$/i.test(type);
}

/** A later statement of the file drops the NOT NULL of `column` (the renamed column, under its new name). */
function dropsNotNullLater(ctx: FixContext, table: TableRef, column: string): boolean {
  return ctx.after.some(({ node }) => {
    const alter = as(node, 'AlterTableStmt');
    return tableRef(alter?.relation)?.key === table.key && !!alter?.cmds?.some((c) => as(c, 'AlterTableCmd')?.subtype === 'AT_DropNotNull' && as(c, 'AlterTableCmd')?.name === column);
  });
}

/** The table's name after the renames of it later in the file (ALTER TABLE ... RENAME TO), or the table itself. */
function renamedLater(ctx: FixContext, table: TableRef): TableRef {
  let current = table;
  for (const { node } of ctx.after) {
    const rename = as(node, 'RenameStmt');
    if (rename?.renameType === 'OBJECT_TABLE' && rename.newname && tableRef(rename.relation)?.key === current.key) current = tableRefOf(current.schema, rename.newname);
  }
  return current;
}

/** An index or a constraint (other than NOT NULL) on the column, as the migrations show it. The schema's indexes are
 *  those at the end of the migration: a renamed column is looked for under its new name too. A foreign key the column
 *  had counts even when dropped: where the history was fixed, the index its fix built is still there. */
function hasIndexOrKey(ctx: FixContext, table: TableRef, column: string, renamed?: string): boolean {
  const names = [column, ...(renamed ? [renamed] : [])];
  return (
    ctx.schema.indexesOn(table).some((i) => names.some((n) => i.columns.includes(n))) ||
    ctx.schema.constraintsOn(table, column, ctx.stmt.index).some((c) => c.type !== 'not-null') ||
    ctx.schema.hadForeignKey(table, column, ctx.stmt.index)
  );
}

function keptForIndex(rule: string, table: TableRef, column: string, what: string): Rewrite {
  return {
    rule,
    message: `${what} of ${quoteIdent(column)} stays as written`,
    pieces: [],
    kept: true,
    todos: [`${table.sql}.${quoteIdent(column)} has an index or key, which a new column would not have: ${what} stays as written. Run it off-peak, or follow the rule's recipe and build the indexes and constraints on the new column yourself.`],
  };
}

/** What PostgreSQL keeps on a column through ALTER TYPE or RENAME and a new column must be given, read from the
 *  catalog when the step runs (a migration alone does not show it): `guard` refuses, before anything changes, a
 *  column with an index or constraint (those would be lost) or a view, rule or policy using it (it would keep the
 *  old column); `default` copies the default; `notNullCheck`,
 *  `validate` and `moveNotNull` give NOT NULL, if the old column has it, through a validated CHECK, under the old
 *  column's not-null constraint name (PG 18). */
function carryOver(table: TableRef, column: string, fresh: string) {
  const rel = quoteLiteral(table.sql);
  const name = notNullCheckName(table.name, fresh);
  const check = quoteIdent(name);
  const attribute = `FROM pg_attribute a WHERE a.attrelid = ${rel}::regclass AND a.attname = ${quoteLiteral(column)}`;
  const hasCheck = `EXISTS (SELECT FROM pg_constraint WHERE conrelid = ${rel}::regclass AND conname = ${quoteLiteral(name)})`;
  return {
    guard: [
      `DO $$ BEGIN`,
      `  IF EXISTS (SELECT ${attribute} AND (EXISTS (SELECT FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey)) OR EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = a.attrelid AND a.attnum = ANY (k.conkey) AND k.contype <> 'n'))) THEN`,
      `    RAISE EXCEPTION 'pgsafe fix: %.% has an index or constraint, which a new column would not have: run the statement as written, or build them on the new column first', ${rel}, ${quoteLiteral(column)};`,
      `  END IF;`,
      // A view, rule or policy on the old column would keep it (its drop would fail) and not see the new one.
      `  IF EXISTS (SELECT FROM pg_depend d JOIN pg_attribute a ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum WHERE a.attrelid = ${rel}::regclass AND a.attname = ${quoteLiteral(column)} AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n' AND d.classid <> 'pg_attrdef'::regclass) THEN`,
      `    RAISE EXCEPTION 'pgsafe fix: %.% is used by a view, rule or policy, which would keep the old column: run the statement as written, or recreate them over the new column yourself', ${rel}, ${quoteLiteral(column)};`,
      `  END IF;`,
      `END $$;`,
    ].join('\n'),
    default: [
      `-- The default of ${quoteIdent(column)}, kept for the new column.`,
      `DO $$ DECLARE d text; BEGIN`,
      `  SELECT pg_get_expr(ad.adbin, ad.adrelid) INTO d FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum WHERE a.attrelid = ${rel}::regclass AND a.attname = ${quoteLiteral(column)};`,
      `  IF d IS NOT NULL THEN EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', ${rel}, ${quoteLiteral(fresh)}, d); END IF;`,
      `END $$;`,
    ].join('\n'),
    notNullCheck: [`-- NOT NULL as ${quoteIdent(column)} has it: a CHECK added NOT VALID, validated alone, then SET NOT NULL without a scan.`, `DO $$ BEGIN`, `  IF (SELECT a.attnotnull ${attribute}) THEN`, `    ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${quoteIdent(fresh)} IS NOT NULL) NOT VALID;`, `  END IF;`, `END $$;`].join('\n'),
    validate: validateNotNull(table, fresh, name, hasCheck),
    // A serial column's sequence is owned by the column: dropped with the old one, it would take the new column's
    // default with it (or make the drop fail). It moves to the new column, as RENAME and ALTER TYPE keep it.
    moveSequences: (from: string, to = fresh) =>
      [
        `-- The sequences owned by ${quoteIdent(from)} (a serial column's) move to ${quoteIdent(to)}, which uses them now.`,
        `DO $$ DECLARE s regclass; BEGIN`,
        `  FOR s IN SELECT d.objid::regclass FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S' JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND a.attrelid = ${rel}::regclass AND a.attname = ${quoteLiteral(from)} LOOP`,
        `    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', s, ${rel}, ${quoteLiteral(to)});`,
        `  END LOOP;`,
        `END $$;`,
      ].join('\n'),
    moveNotNull: (from: string, to = fresh) => {
      const notNullOf = (name: string) => `SELECT k.conname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] WHERE k.conrelid = ${rel}::regclass AND k.contype = 'n' AND a.attname = ${quoteLiteral(name)}`;
      return [
        `-- NOT NULL moves from ${quoteIdent(from)} (the application writes it no more) to ${quoteIdent(to)}. PG 18 names NOT NULL`,
        `-- constraints: the new column's takes the old one's name, as RENAME COLUMN and ALTER TYPE would have kept it.`,
        `DO $$ DECLARE kept name; made name; BEGIN`,
        `  kept := (${notNullOf(from)});`,
        `  ALTER TABLE ${table.sql} ALTER COLUMN ${quoteIdent(from)} DROP NOT NULL;`,
        `  IF ${hasCheck} THEN`,
        `    ALTER TABLE ${table.sql} ALTER COLUMN ${quoteIdent(to)} SET NOT NULL;`,
        `    ALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`,
        `    made := (${notNullOf(to)});`,
        `    IF made <> kept THEN EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', ${rel}, made, kept); END IF;`,
        `  END IF;`,
        `END $$;`,
      ].join('\n');
    },
  };
}

/** A later deploy's guard: it refuses to go on (and drop anything) when what the earlier deploy made is not there,
 *  instead of a drop that does nothing (pgsafe run adds IF EXISTS) or one that drops the only copy of the data. */
function mustExist(table: TableRef, column: string, what: string): string {
  return [
    `DO $$ BEGIN`,
    `  IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = ${quoteLiteral(table.sql)}::regclass AND attname = ${quoteLiteral(column)} AND NOT attisdropped) THEN`,
    `    RAISE EXCEPTION 'pgsafe fix: %.% (%) does not exist: the earlier deploy of this migration has not run', ${quoteLiteral(table.sql)}, ${quoteLiteral(column)}, ${quoteLiteral(what)};`,
    `  END IF;`,
    `END $$;`,
  ].join('\n');
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
      { sql: `-- pgsafe-ignore renaming-table: the old name stays, an updatable view, until the next deploy\n${ctx.text};`, transactional: true, slug: 'rename_table' },
      // At the end of the deploy: made earlier, the view (SELECT *) would hold every column, and a later statement
      // of the file dropping, renaming or retyping one would fail on it.
      { sql: `CREATE VIEW ${ctx.table.sql} AS SELECT * FROM ${to};`, transactional: true, slug: 'old_name_view', deferrable: true },
      { sql: `DROP VIEW ${ctx.table.sql};`, transactional: true, slug: 'drop_old_name', deploy: 1 },
    ],
    app: { 1: `use ${to} instead of ${ctx.table.sql} everywhere, and wait until no older version runs` },
  };
}

/** DROP COLUMN / DROP TABLE: the rule's recipe is already the two deploys: its `deploy 1 (app)` line is what the
 *  application must do, its comments after `deploy 2 (migration)` go above the statement, moved as written (CASCADE
 *  and all) to the next deploy. Unless something later in the file needs it gone (see neededGone): then it stays. */
export function dropLater(ctx: FixContext): Rewrite | undefined {
  const cmd = as(as(ctx.node, 'AlterTableStmt')?.cmds?.[0], 'AlterTableCmd');
  const drop = as(ctx.node, 'DropStmt');
  const column = cmd?.subtype === 'AT_DropColumn' ? cmd.name : undefined;
  const finding = column
    ? ctx.findings.find((f) => f.rule === 'ban-drop-column' && f.recipe.sql.endsWith(` DROP COLUMN ${quoteIdent(column)};`))
    : drop && ctx.findings.find((f) => f.rule === 'ban-drop-table');
  if (!finding) return undefined;
  const lines = finding.recipe.sql.split('\n');
  const app = /^-- deploy 1 \(app\): (.*)$/.exec(lines[0] ?? '')?.[1];
  const second = lines.findIndex((l) => l.startsWith('-- deploy 2 (migration)'));
  if (!app || second < 0) return undefined;
  const what = column ? `DROP COLUMN ${quoteIdent(column)}` : 'DROP TABLE';
  const blocker = neededGone(ctx, column);
  if (blocker) {
    return {
      rule: finding.rule,
      message: `${what} stays in this deploy`,
      pieces: [],
      kept: true,
      todos: [`${what} cannot move to a later deploy: line ${blocker.line} ${blocker.why}, which needs it gone first. Ship the code that stops using it (${app}) before this migration runs.`],
    };
  }
  const comments = lines.slice(second + 1).filter((l) => l.startsWith('--'));
  // The later deploy finds the table under the name the rest of the file gives it (its old name is then a view).
  const alter = as(ctx.node, 'AlterTableStmt');
  const later = column && ctx.table ? renamedLater(ctx, ctx.table) : undefined;
  const text = alter && later && later !== ctx.table ? sqlOf({ AlterTableStmt: { ...alter, relation: { ...alter.relation, schemaname: later.schema, relname: later.name } } }) : ctx.text;
  return {
    rule: finding.rule,
    message: `${what} → a later deploy, after the application stopped using it`,
    pieces: [{ sql: [...comments, `${text};`].join('\n'), transactional: true, slug: 'drop', deploy: 1 }],
    app: { 1: app },
  };
}

/** Dropped by DROP TYPE, DROP DOMAIN, ... : what a dropped column or table may still use. */
const USED_BY_COLUMNS = new Set(['OBJECT_TYPE', 'OBJECT_DOMAIN', 'OBJECT_SEQUENCE', 'OBJECT_FUNCTION', 'OBJECT_COLLATION']);

/** The first later statement that fails or changes meaning unless the drop of `ctx.table` (or of its `column`) has
 *  already happened: one that creates the same name again (Prisma drops and re-creates a column or table to change
 *  it), or drops a type, domain, sequence or function the dropped object may still use (Prisma drops an enum type
 *  right after its last column). */
function neededGone(ctx: FixContext, column: string | undefined, typesOnly = false): { line: number; why: string } | undefined {
  const dropped = column ? (ctx.table ? [ctx.table.key] : []) : droppedTables(ctx.node);
  const goesWith = column && ctx.table ? namesGoingWith(ctx, ctx.table, column) : new Set<string>();
  for (const { node, line } of ctx.after) {
    const drop = as(node, 'DropStmt');
    if (drop?.removeType && USED_BY_COLUMNS.has(drop.removeType)) return { line, why: `drops a ${drop.removeType.slice(7).toLowerCase()} the dropped ${column ? 'column' : 'table'} may use` };
    if (typesOnly) continue;
    const rename = as(node, 'RenameStmt');
    if (column) {
      const alter = as(node, 'AlterTableStmt');
      const same = tableRef(alter?.relation ?? rename?.relation)?.key === ctx.table?.key;
      const adds = alter?.cmds?.some((c) => as(as(c, 'AlterTableCmd')?.def, 'ColumnDef')?.colname === column && as(c, 'AlterTableCmd')?.subtype === 'AT_AddColumn');
      if (same && (adds || (rename?.renameType === 'OBJECT_COLUMN' && rename.newname === column))) return { line, why: `creates ${quoteIdent(column)} again` };
      // The column may be the primary key the new one replaces: a table has one at most.
      const primary = alter?.cmds?.some((c) => as(as(c, 'AlterTableCmd')?.def, 'Constraint')?.contype === 'CONSTR_PRIMARY');
      if (same && primary) return { line, why: `adds a primary key to ${ctx.table!.sql}, where the column may hold the one it replaces` };
      const named = [...(alter?.cmds ?? []).map((c) => as(as(c, 'AlterTableCmd')?.def, 'Constraint')?.conname), as(node, 'IndexStmt')?.idxname].find((n) => n && goesWith.has(n));
      if (named) return { line, why: `creates ${quoteIdent(named)} again` };
      // A view made while the column still exists would depend on it (SELECT *), and the later drop would fail.
      if (ctx.table && readsTable(viewQuery(node), ctx.table.key)) return { line, why: `creates a view over ${ctx.table.sql}, which would depend on the column` };
      continue;
    }
    const created = tableRef(as(node, 'CreateStmt')?.relation ?? as(node, 'ViewStmt')?.view ?? as(node, 'CreateTableAsStmt')?.into?.rel)?.key;
    const renamed = rename?.newname && (rename.renameType === 'OBJECT_TABLE' || rename.renameType === 'OBJECT_VIEW') ? tableRef({ ...rename.relation, relname: rename.newname })?.key : undefined;
    const name = [created, renamed].find((k) => k && dropped.includes(k));
    if (name) return { line, why: `creates ${name.replace(/^public\./, '')} again` };
  }
  return undefined;
}

/** Names of the constraints and indexes of the table that the drop of `column` takes with it: a later statement may
 *  give one of them to something new (a unique constraint rebuilt over the columns that remain). */
function namesGoingWith(ctx: FixContext, table: TableRef, column: string): Set<string> {
  const constraints = ctx.schema.constraintsOn(table, column, ctx.stmt.index).map((c) => c.name);
  const indexes = ctx.schema.indexesOn(table).filter((i) => i.columns.includes(column)).flatMap((i) => (i.name ? [i.name] : []));
  return new Set([...constraints, ...indexes]);
}

/** The first later statement of the file that makes a view (or materialized view) reading the table. */
function viewLater(ctx: FixContext, table: TableRef): { line: number } | undefined {
  return ctx.after.find(({ node }) => readsTable(viewQuery(node), table.key));
}

function viewQuery(node: FixContext['node']): unknown {
  return as(node, 'ViewStmt')?.query ?? as(node, 'CreateTableAsStmt')?.query;
}

/** The query reads the table (a RangeVar of it anywhere: FROM, joins, subqueries). */
function readsTable(query: unknown, key: string): boolean {
  if (Array.isArray(query)) return query.some((q) => readsTable(q, key));
  if (!query || typeof query !== 'object') return false;
  const range = (query as { RangeVar?: Parameters<typeof tableRef>[0] }).RangeVar;
  if (range && tableRef(range)?.key === key) return true;
  return Object.values(query).some((v) => readsTable(v, key));
}

function droppedTables(node: FixContext['node']): string[] {
  return (as(node, 'DropStmt')?.objects ?? []).flatMap((o) => tableRefOfList(o)?.key ?? []);
}

/** ALTER COLUMN ... TYPE: the rule's recipe (new column kept in sync by a trigger, batched backfill, swap in one
 *  short transaction) cut into steps, with what ALTER TYPE keeps and a rename does not carried over to the new
 *  column at run time: its default, and its NOT NULL through a validated CHECK (no long scan under ACCESS
 *  EXCLUSIVE). Indexes and constraints on the column are not rebuilt: with one known the statement stays as written
 *  (a to-do says so), and the first step refuses, changing nothing, when the database shows one. The old column is
 *  dropped in the next deploy, or right after the swap when a later statement needs it gone (DROP TYPE ... CASCADE
 *  of its old enum type would drop it; a view made later in the file over the table would depend on it). */
export function changeType(ctx: FixContext): Rewrite | undefined {
  const cmd = as(as(ctx.node, 'AlterTableStmt')?.cmds?.[0], 'AlterTableCmd');
  const finding = findingAt(ctx, ['changing-column-type'], as(cmd?.def, 'ColumnDef')?.location);
  if (!finding || !ctx.table || cmd?.subtype !== 'AT_AlterColumnType' || !cmd.name || !finding.recipe.sql.includes('\nDO $$')) return undefined;
  const { table } = ctx;
  const name = cmd.name;
  if (hasIndexOrKey(ctx, table, name)) return keptForIndex(finding.rule, table, name, 'the type change');
  if (!knownKey(ctx.schema, table)) return { rule: finding.rule, message: `the type change of ${quoteIdent(name)} stays as written`, pieces: [], kept: true, todos: [`the migrations show no single-column key of ${table.sql} for a batched backfill to walk: the type change stays as written`] };
  const recipe = parseMigration(finding.recipe.sql, 'recipe.sql').statements;
  const doAt = recipe.findIndex((s) => s.kind === 'DoStmt');
  const swap = recipe.slice(doAt + 1).filter((s) => s.kind !== 'TransactionStmt' && s.kind !== 'VariableSetStmt');
  const old = /-- later, once nothing reads it: (ALTER TABLE .* DROP COLUMN .*;)$/m.exec(finding.recipe.sql)?.[1];
  if (doAt < 1 || swap.length < 2 || !old) return undefined;
  // The swap renames the columns under one short lock; the application sees the same name before and after it.
  const text = (list: typeof recipe) => list.map((s) => `${s.kind === 'RenameStmt' ? '-- pgsafe-ignore renaming-column: the swap of a type change; the column keeps its name\n' : ''}${s.text};`).join('\n');
  const carry = carryOver(table, name, makeName(name, 'new'));
  // A view made later in the file over the table would depend on the old column (SELECT *): it goes before that.
  const now = !!neededGone(ctx, undefined, true) || !!viewLater(ctx, table);
  const pieces: Piece[] = [
    { sql: [carry.guard, text(recipe.slice(0, doAt)), carry.default].join('\n'), transactional: true, slug: 'new_column' },
    { sql: `${recipe[doAt]!.text};`, transactional: false, slug: 'backfill', long: true },
    { sql: carry.notNullCheck, transactional: true, slug: 'not_null_check' },
    { sql: carry.validate, transactional: true, slug: 'validate_not_null', long: true, alone: true },
    {
      sql: [
        text(swap),
        // The application writes the old column no more: its NOT NULL would refuse every insert.
        carry.moveNotNull(makeName(name, 'old'), name),
        ...(mayOwnSequence(storedType(ctx.schema.column(table, name, ctx.stmt.index)?.type.sql)) ? [carry.moveSequences(makeName(name, 'old'), name)] : []),
        ...(now ? [`-- pgsafe-ignore ban-drop-column: the column before the type change, unused since the swap above`, old] : []),
      ].join('\n'),
      transactional: true,
      slug: 'swap_columns',
      alone: true,
    },
    ...(now ? [] : [{ sql: `${mustExist(table, makeName(name, 'old'), 'the column before the type change')}\n-- pgsafe-ignore ban-drop-column: the column before the type change, unused since the swap\n${old}`, transactional: true, slug: 'drop_old_column', deploy: 1 }]),
  ];
  return {
    rule: finding.rule,
    message: `ALTER COLUMN ${quoteIdent(name)} TYPE → a new column synced by a trigger with the old one's default, batched backfill, NOT NULL through a validated CHECK, a swap in one short transaction; the old column dropped ${now ? 'right after it (a later statement needs it gone)' : 'in the next deploy'}`,
    pieces,
    ...(now ? {} : { app: { 1: `nothing to change in the code (the column kept its name); check that the new type is read correctly` } }),
  };
}

