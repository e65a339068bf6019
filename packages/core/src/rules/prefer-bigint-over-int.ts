import { columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { isKeyColumn } from '../key-columns.js';
import { retypeStatement } from '../retype.js';
import { firstOfHabit, habitNote, type HabitMatch } from '../habit.js';

const isIntKey: HabitMatch = (name, type, def) => ['int4', 'serial', 'serial4'].includes(type.name) && !type.array && isKeyColumn(name, def);

const INT4 = /^(integer|int4|int|serial4|serial)\b/i;

/** A 4-byte key runs out at 2,147,483,647: inserts then fail, and widening it later rewrites the table. Unlike
 *  squawk, only key-like columns are flagged (primary keys, identities, foreign keys, serials, `id` and `*_id`). */
export default defineRule({
  id: 'prefer-bigint-over-int',
  severity: 'warning',
  optIn: true,
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'An integer key column: it runs out at 2.1 billion, and widening it later rewrites the table.',
  check(ctx) {
    const cols = declaredColumns(ctx.statement.node).filter((c) => isIntKey(c.name, c.type, c.def));
    if (cols.length === 0 || !firstOfHabit(ctx, isIntKey)) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), INT4, (m) => (m[1]!.toLowerCase().startsWith('serial') ? 'bigserial' : 'bigint'));
    const names = cols.map((c) => c.name);
    return {
      message: `Key ${columnsPhrase(names)} ${names.length > 1 ? 'are 4-byte integers' : 'is a 4-byte integer'}: they run out at 2,147,483,647; use bigint.${habitNote('integer key')}`,
      why: 'Once the sequence (or the referenced key) passes 2,147,483,647, every insert fails ("nextval: reached maximum value of sequence", or "integer out of range" for keys set by the application). Changing the type then rewrites the table and its indexes under ACCESS EXCLUSIVE, at the worst moment. bigint costs 4 more bytes per row.',
      location: cols[0]!.location,
      recipe: { summary: `Declare ${names.length > 1 ? 'them' : 'it'} as bigint (and the columns referencing ${names.length > 1 ? 'them' : 'it'} too).`, sql: fixed, versions: 'All supported versions.' },
    };
  },
});
