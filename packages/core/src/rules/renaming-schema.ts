import { as } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';

/** Renaming a schema breaks every query, search_path and grant that names it, all at once. */
export default defineRule({
  id: 'renaming-schema',
  severity: 'error',
  kinds: ['RenameStmt'],
  summary: 'ALTER SCHEMA ... RENAME breaks every running query and search_path that names the schema.',
  check(ctx) {
    const rename = as(ctx.statement.node, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_SCHEMA' || !rename.subname || !rename.newname) return undefined;
    const from = quoteIdent(rename.subname);
    const to = quoteIdent(rename.newname);
    return {
      message: `Renaming schema ${from} to ${to} breaks every running query, function and search_path that names ${from}.`,
      why: `From the moment the rename commits, "${rename.subname}.<table>" resolves nowhere: the deployed application, functions, views' callers and connection search_path settings fail together.`,
      recipe: {
        summary: 'Create the new schema and move objects over deploys (or keep the old name); point the application at the new name before removing the old.',
        sql: [`CREATE SCHEMA IF NOT EXISTS ${to};`, `-- move tables one by one (ALTER TABLE ${from}.<t> SET SCHEMA ${to}) leaving views in ${from}, then drop them when unused`].join('\n'),
        versions: 'All supported versions.',
      },
    };
  },
});
