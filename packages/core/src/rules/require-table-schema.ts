import { as } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';

/** Opt-in (as in squawk): where tables land depends on search_path unless the schema is written out. */
export default defineRule({
  id: 'require-table-schema',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  optIn: true,
  summary: 'Opt-in: CREATE/ALTER TABLE without an explicit schema depends on the session search_path.',
  check(ctx) {
    const rel = as(ctx.statement.node, 'CreateStmt')?.relation ?? as(ctx.statement.node, 'AlterTableStmt')?.relation;
    if (!rel?.relname || rel.schemaname || rel.relpersistence === 't') return undefined;
    return {
      message: `Table ${quoteIdent(rel.relname)} is named without a schema: where it is created or changed depends on search_path.`,
      why: 'A migration run with another search_path (a different role, a connection option, a pooler) creates or alters a table in another schema, or fails to find it.',
      location: rel.location,
      recipe: { summary: 'Qualify the table with its schema.', sql: `-- in this statement: public.${quoteIdent(rel.relname)} (or your schema)`, versions: 'All supported versions.' },
    };
  },
});
