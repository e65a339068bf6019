import { as } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';

/** A migration has no business dropping a database: one wrong connection string and production is gone. */
export default defineRule({
  id: 'ban-drop-database',
  severity: 'error',
  kinds: ['DropdbStmt'],
  summary: 'DROP DATABASE in a migration.',
  check(ctx) {
    const drop = as(ctx.statement.node, 'DropdbStmt');
    if (!drop?.dbname) return undefined;
    const name = quoteIdent(drop.dbname);
    return {
      message: `DROP DATABASE ${name} in a migration: run against the wrong connection, it deletes that database for good.`,
      why: 'Migrations run automatically, against whatever DATABASE_URL the environment provides. Dropping a database is an operation for a person, with a backup, not a deploy step.',
      recipe: { summary: 'Remove it from the migration; drop databases by hand, after a backup.', sql: `-- remove: DROP DATABASE ${name};`, versions: 'All supported versions.' },
    };
  },
});
