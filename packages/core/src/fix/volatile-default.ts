/** ADD COLUMN ... DEFAULT <volatile expression> rewrites the table under ACCESS EXCLUSIVE → add the column without
 *  it, set the default for new rows in the same transaction (no rewrite), backfill the existing rows in batches with
 *  the same expression (evaluated per row, as the default would be), then NOT NULL through a validated CHECK. */
import type { Node } from '@pgsql/types';
import { as, columnConstraints, sqlOf } from '../ast.js';
import { quoteIdent } from '../sql.js';
import { backfillPiece } from './backfill.js';
import { findingAt } from './finding-at.js';
import { setNotNullPieces } from './not-null.js';
import type { FixContext, Rewrite } from './types.js';

export function volatileDefault(ctx: FixContext): Rewrite | undefined {
  const alter = as(ctx.node, 'AlterTableStmt');
  const cmd = as(alter?.cmds?.[0], 'AlterTableCmd');
  const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
  const finding = col && findingAt(ctx, ['adding-field-with-default'], col.location);
  if (!finding || !ctx.table || !col?.colname || ctx.options.pgVersion < 12) return undefined;
  const constraints = columnConstraints(col);
  const def = constraints.find((k) => k.contype === 'CONSTR_DEFAULT')?.raw_expr;
  // A serial needs its sequence, a generated column its own plan: only a plain DEFAULT (and NOT NULL) is rewritten.
  if (!def || constraints.some((k) => k.contype !== 'CONSTR_DEFAULT' && k.contype !== 'CONSTR_NOTNULL')) return undefined;
  const notNull = constraints.some((k) => k.contype === 'CONSTR_NOTNULL');
  const bare: Node = { AlterTableStmt: { ...alter!, cmds: [{ AlterTableCmd: { ...cmd!, def: { ColumnDef: { ...col, constraints: [] } } } }] } };
  const value = sqlOf(def);
  const column = quoteIdent(col.colname);
  return {
    rule: finding.rule,
    message: `ADD COLUMN ${column} DEFAULT ${value} → add it bare, SET DEFAULT for new rows, backfill the existing rows in batches${notNull ? ', then NOT NULL through a validated CHECK' : ''}`,
    pieces: [
      { sql: `${sqlOf(bare)};\nALTER TABLE ${ctx.table.sql} ALTER COLUMN ${column} SET DEFAULT ${value};`, transactional: true, slug: 'add_column' },
      backfillPiece(ctx, ctx.table, col.colname, value),
      ...(notNull ? setNotNullPieces(ctx.table, col.colname) : []),
    ],
  };
}
