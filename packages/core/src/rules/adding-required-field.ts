import { as, columnConstraints, sqlOf, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { notNullCheckName, quoteIdent } from '../sql.js';
import { sameChangeEmptyTable } from '../recent-table.js';

/** ADD COLUMN ... NOT NULL without a DEFAULT fails on any table that has rows (incident 1). Not reported for a table
 *  an earlier migration of the history created less than 12 hours before this one (by the timestamps of their names)
 *  and put no rows in: the same change, so the table is still empty when both run. Nor for a table this migration
 *  emptied first (DELETE without WHERE, TRUNCATE). */
export default defineRule({
  id: 'adding-required-field',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ADD COLUMN ... NOT NULL without a DEFAULT fails as soon as the table has a row.',
  check(ctx) {
    const alter = as(ctx.statement.node, 'AlterTableStmt');
    const table = tableRef(alter?.relation);
    if (!alter || !table || ctx.isNewTable(table) || ctx.schema.emptiedHere(table, ctx.statement.index) || sameChangeEmptyTable(ctx.schema, table, ctx.statement.index)) return undefined;
    return (alter.cmds ?? []).flatMap((c) => {
      const cmd = as(c, 'AlterTableCmd');
      const col = cmd?.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
      if (!col?.colname) return [];
      const constraints = columnConstraints(col);
      const notNull = constraints.some((k) => k.contype === 'CONSTR_NOTNULL' || k.contype === 'CONSTR_PRIMARY');
      const hasDefault = constraints.some((k) => k.contype === 'CONSTR_DEFAULT' || k.contype === 'CONSTR_IDENTITY' || k.contype === 'CONSTR_GENERATED');
      if (!notNull || hasDefault) return [];
      const column = quoteIdent(col.colname);
      const type = col.typeName ? sqlOf({ TypeName: col.typeName }) : 'text';
      const check = quoteIdent(notNullCheckName(table.name, col.colname));
      return [{
        message: `Adding NOT NULL column ${column} to ${table.sql} without a DEFAULT fails if the table has any row.`,
        why: `PostgreSQL must fill ${column} for every existing row; with no DEFAULT it is NULL, so the statement fails with "column contains null values" on the first row - in production only, where the table is not empty. It also holds an ACCESS EXCLUSIVE lock while it runs.`,
        lock: lockImpact('ACCESS EXCLUSIVE', table.sql, 'a moment (catalog change) - or until it fails'),
        location: col.location,
        recipe: {
          summary: 'Add the column nullable, backfill it in batches, then enforce NOT NULL through a validated CHECK.',
          sql: [
            `ALTER TABLE ${table.sql} ADD COLUMN ${column} ${type};`,
            `-- backfill in batches, outside this migration (choose the value):`,
            `-- UPDATE ${table.sql} SET ${column} = <value> WHERE ${column} IS NULL AND <primary key range>;`,
            `ALTER TABLE ${table.sql} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;`,
            `ALTER TABLE ${table.sql} VALIDATE CONSTRAINT ${check};`,
            `ALTER TABLE ${table.sql} ALTER COLUMN ${column} SET NOT NULL;`,
            `ALTER TABLE ${table.sql} DROP CONSTRAINT ${check};`,
            `-- or, when one value fits every existing row: ADD COLUMN ${column} ${type} NOT NULL DEFAULT <constant>;`,
          ].join('\n'),
          versions: 'A constant DEFAULT is instant from PG 11 (no rewrite). SET NOT NULL uses the validated CHECK to skip its scan from PG 12.',
        },
      }];
    });
  },
});
