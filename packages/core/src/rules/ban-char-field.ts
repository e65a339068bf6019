import { cap, columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { retypeStatement } from '../retype.js';

const CHAR = /^(character|char|bpchar)\s*(\(\s*\d+\s*\))?/i;

/** char(n) pads with spaces: stored values, comparisons and lengths surprise every client. */
export default defineRule({
  id: 'ban-char-field',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A char(n) column pads values with spaces; use text (or varchar).',
  check(ctx) {
    // char(1) to char(3) hold fixed-length codes (flags, ISO country and currency codes): every value fills the
    // width, nothing is padded (issue 22: 5 of the 6 wrong findings on real migrations were such codes).
    const cols = declaredColumns(ctx.statement.node).filter((c) => c.type.name === 'bpchar' && !c.type.array && (c.type.mods[0] ?? 1) > 3);
    if (cols.length === 0) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), CHAR, () => 'text');
    const names = cols.map((c) => c.name);
    return {
      message: `${cap(columnsPhrase(names))} ${names.length > 1 ? 'are char(n)' : `is char(${cols[0]!.type.mods[0] ?? 1})`}: values are padded with spaces.`,
      why: "char(n) pads every value to n characters: 'FR' in char(3) is stored as 'FR ', clients read the padding back, concatenation and LIKE see it, and it is no faster than text.",
      location: cols[0]!.location,
      recipe: { summary: 'Declare text (with a CHECK on the length if it matters).', sql: fixed, versions: 'All supported versions.' },
    };
  },
});
