import { declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';
import { retypeStatement } from '../retype.js';

const VARCHAR = /^(character\s+varying|varchar)\s*\(\s*(\d+)\s*\)/i;

/** varchar(n) stores the same as text; the limit only adds a check that is costly to change later (lowering it
 *  rewrites the table under ACCESS EXCLUSIVE). A CHECK constraint can be replaced with NOT VALID + VALIDATE. */
export default defineRule({
  id: 'prefer-text-field',
  severity: 'warning',
  summary: 'A varchar(n) column: prefer text with a CHECK on its length, which can be changed without a rewrite.',
  check(ctx) {
    const cols = declaredColumns(ctx.statement.node).filter((c) => c.type.name === 'varchar' && c.type.mods.length > 0 && !c.type.array);
    if (cols.length === 0) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), VARCHAR, () => 'text');
    return cols.map((c) => ({
      message: `Column ${quoteIdent(c.name)} is varchar(${c.type.mods[0]}); prefer text with a CHECK (char_length(${quoteIdent(c.name)}) <= ${c.type.mods[0]}).`,
      why: 'varchar(n) is text with a length check baked into the type. Raising n is cheap, but lowering it (or adding a limit) rewrites the table under ACCESS EXCLUSIVE; a CHECK constraint can be added NOT VALID and validated without blocking traffic.',
      location: c.location,
      recipe: {
        summary: 'Declare text and put the limit in a CHECK constraint.',
        sql: `${fixed}\n-- and: CHECK (char_length(${quoteIdent(c.name)}) <= ${c.type.mods[0]})`,
        versions: 'All supported versions.',
      },
    }));
  },
});
