import { as, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';

/** TRUNCATE ... CASCADE also empties every table that references the truncated ones, transitively. */
export default defineRule({
  id: 'ban-truncate-cascade',
  severity: 'error',
  kinds: ['TruncateStmt'],
  summary: 'TRUNCATE ... CASCADE silently empties every table that references the truncated ones.',
  check(ctx) {
    const truncate = as(ctx.statement.node, 'TruncateStmt');
    if (truncate?.behavior !== 'DROP_CASCADE') return undefined;
    const tables = (truncate.relations ?? []).map((r) => tableRef(as(r, 'RangeVar'))?.sql).filter(Boolean).join(', ');
    return {
      message: `TRUNCATE ${tables} CASCADE also empties every table with a foreign key to ${tables}, and theirs in turn.`,
      why: 'CASCADE follows foreign keys: rows of referencing tables (orders, invoices, audit logs...) are deleted without being named in the migration, and TRUNCATE cannot be undone after commit.',
      recipe: {
        summary: 'Name every table to empty explicitly, and let a foreign key stop the migration if one was forgotten.',
        sql: `TRUNCATE ${tables}; -- add the referencing tables you really mean to empty`,
        versions: 'All supported versions.',
      },
    };
  },
});
