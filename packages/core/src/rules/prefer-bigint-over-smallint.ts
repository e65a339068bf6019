import { columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { isKeyColumn } from '../key-columns.js';
import { retypeStatement } from '../retype.js';

const INT2 = /^(smallint|int2|smallserial|serial2)\b/i;

/** A 2-byte key runs out at 32,767. Only key-like columns are flagged (see prefer-bigint-over-int). */
export default defineRule({
  id: 'prefer-bigint-over-smallint',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A smallint key column: it runs out at 32,767, and widening it later rewrites the table.',
  check(ctx) {
    const cols = declaredColumns(ctx.statement.node).filter(
      (c) => ['int2', 'smallserial', 'serial2'].includes(c.type.name) && !c.type.array && isKeyColumn(c.name, c.def),
    );
    if (cols.length === 0) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), INT2, (m) => (m[1]!.toLowerCase().includes('serial') ? 'bigserial' : 'bigint'));
    const names = cols.map((c) => c.name);
    return {
      message: `Key ${columnsPhrase(names)} ${names.length > 1 ? 'are 2-byte integers' : 'is a 2-byte integer'}: they run out at 32,767; use bigint.`,
      why: 'After 32,767 values every insert fails (the sequence reaches its maximum, or "smallint out of range"); changing the type then rewrites the table and its indexes under ACCESS EXCLUSIVE.',
      location: cols[0]!.location,
      recipe: { summary: `Declare ${names.length > 1 ? 'them' : 'it'} as bigint.`, sql: fixed, versions: 'All supported versions.' },
    };
  },
});
