import { declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';
import { retypeStatement } from '../retype.js';

const CHAR = /^(character|char|bpchar)\s*(\(\s*\d+\s*\))?/i;

/** char(n) pads with spaces: stored values, comparisons and lengths surprise every client. */
export default defineRule({
  id: 'ban-char-field',
  severity: 'warning',
  summary: 'A char(n) column pads values with spaces; use text (or varchar).',
  check(ctx) {
    const cols = declaredColumns(ctx.statement.node).filter((c) => c.type.name === 'bpchar' && !c.type.array);
    if (cols.length === 0) return undefined;
    const fixed = retypeStatement(ctx, cols.map((c) => c.location), CHAR, () => 'text');
    return cols.map((c) => ({
      message: `Column ${quoteIdent(c.name)} is char(${c.type.mods[0] ?? 1}): values are padded with spaces.`,
      why: "char(n) pads every value to n characters: 'FR' in char(3) is stored as 'FR ', clients read the padding back, concatenation and LIKE see it, and it is no faster than text.",
      location: c.location,
      recipe: { summary: 'Declare text (with a CHECK on the length if it matters).', sql: fixed, versions: 'All supported versions.' },
    }));
  },
});
