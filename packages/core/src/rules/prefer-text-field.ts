import { cap, columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';
import { retypeStatement } from '../retype.js';
import { firstOfHabit, habitNote, type HabitMatch } from '../habit.js';

const isBoundedVarchar: HabitMatch = (_name, type) => type.name === 'varchar' && type.mods.length > 0 && !type.array;

const VARCHAR = /^(character\s+varying|varchar)\s*\(\s*(\d+)\s*\)/i;

/** varchar(n) stores the same as text; the limit only adds a check that is costly to change later (lowering it
 *  rewrites the table under ACCESS EXCLUSIVE). A CHECK constraint can be replaced with NOT VALID + VALIDATE. */
export default defineRule({
  id: 'prefer-text-field',
  severity: 'warning',
  optIn: true,
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A varchar(n) column: prefer text with a CHECK on its length, which can be changed without a rewrite.',
  check(ctx) {
    const cols = declaredColumns(ctx.statement.node).filter((c) => isBoundedVarchar(c.name, c.type, c.def));
    if (cols.length === 0 || !firstOfHabit(ctx, isBoundedVarchar)) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), VARCHAR, () => 'text');
    const names = cols.map((c) => c.name);
    const checks = cols.map((c) => `CHECK (char_length(${quoteIdent(c.name)}) <= ${c.type.mods[0]})`);
    return {
      message: `${cap(columnsPhrase(names))} ${names.length > 1 ? 'are varchar(n)' : `is varchar(${cols[0]!.type.mods[0]})`}; prefer text with a CHECK on the length.${habitNote('varchar(n)')}`,
      why: 'varchar(n) is text with a length check baked into the type. Raising n is cheap, but lowering it (or adding a limit) rewrites the table under ACCESS EXCLUSIVE; a CHECK constraint can be added NOT VALID and validated without blocking traffic.',
      location: cols[0]!.location,
      recipe: {
        summary: 'Declare text and put the limits in CHECK constraints.',
        sql: `${fixed}\n-- and: ${checks.join(', ')}`,
        versions: 'All supported versions.',
      },
    };
  },
});
