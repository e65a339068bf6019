/** ADD CONSTRAINT ... CHECK / FOREIGN KEY → NOT VALID (a moment's lock; new rows are checked), then VALIDATE
 *  CONSTRAINT in a transaction of its own (SHARE UPDATE EXCLUSIVE: reads and writes continue). A foreign key whose
 *  referencing columns have no index gets one first, built CONCURRENTLY. */
import { as, columnNames, referencedColumns, sqlOf } from '../ast.js';
import { makeName, quoteIdent } from '../sql.js';
import { findingAt } from './finding-at.js';
import type { FixContext, Piece, Rewrite } from './types.js';

export function notValidConstraint(ctx: FixContext): Rewrite | undefined {
  const alter = as(ctx.node, 'AlterTableStmt');
  const cmd = as(alter?.cmds?.[0], 'AlterTableCmd');
  const con = cmd?.subtype === 'AT_AddConstraint' ? as(cmd.def, 'Constraint') : undefined;
  const finding = con && findingAt(ctx, ['constraint-missing-not-valid', 'adding-foreign-key-constraint'], con.location);
  if (!finding || !ctx.table || !con || con.skip_validation || (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK')) return undefined;
  const fk = con.contype === 'CONSTR_FOREIGN';
  // The name PostgreSQL would choose, so that the fixed schema is the same: VALIDATE needs it written out.
  const name = con.conname ?? makeName(ctx.table.name, ...(fk ? columnNames(con.fk_attrs) : checkColumn(con.raw_expr)), fk ? 'fkey' : 'check');
  const sql = con.conname ? `${ctx.text} NOT VALID;` : `${sqlOf({ AlterTableStmt: { ...alter!, cmds: [{ AlterTableCmd: { ...cmd!, def: { Constraint: { ...con, conname: name, skip_validation: true, initially_valid: false } } } }] } })};`;
  const only = alter!.relation!.inh === false ? 'ONLY ' : '';
  const pieces: Piece[] = [];
  const index = findingAt(ctx, ['foreign-key-missing-index'], con.location);
  // The rule's recipe is the index build: before the foreign key, so that its validation and the parent's deletes
  // already find it.
  if (fk && index) pieces.push({ sql: index.recipe.sql, transactional: false, slug: 'foreign_key_index', long: true });
  pieces.push(
    { sql, transactional: true, slug: 'not_valid' },
    { sql: `ALTER TABLE ${only}${ctx.table.sql} VALIDATE CONSTRAINT ${quoteIdent(name)};`, transactional: true, slug: 'validate_constraint', long: true, alone: true, deferrable: !ctx.later.some((s) => s.text.includes(name)) },
  );
  return {
    rule: finding.rule,
    message: `ADD CONSTRAINT ${quoteIdent(name)} → NOT VALID, then VALIDATE CONSTRAINT in a transaction of its own${fk && index ? ', after an index on the referencing columns built CONCURRENTLY' : ''}`,
    pieces,
  };
}

/** A CHECK on exactly one column is named after it (`table_col_check`), as PostgreSQL names it. */
function checkColumn(expr: Parameters<typeof sqlOf>[0] | undefined): string[] {
  const columns = referencedColumns(expr);
  return columns.length === 1 ? columns : [];
}
