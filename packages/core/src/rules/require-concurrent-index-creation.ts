import { as, tableRef } from '../ast.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';

/** Incident 3: a plain CREATE INDEX holds a SHARE lock for the whole build, blocking every write. */
export default defineRule({
  id: 'require-concurrent-index-creation',
  severity: 'error',
  kinds: ['IndexStmt'],
  summary: 'CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build.',
  check(ctx) {
    const index = as(ctx.statement.node, 'IndexStmt');
    const table = tableRef(index?.relation);
    if (!index || !table || index.concurrent || ctx.isNewTable(table)) return undefined;
    // The user's own statement, with the keywords added: their formatting and comments stay.
    const safe = ctx.statement.text.replace(/^(CREATE\s+(?:UNIQUE\s+)?INDEX)\s+(IF\s+NOT\s+EXISTS\s+)?/i, (_, create: string) =>
      `${create} CONCURRENTLY ${index.idxname ? 'IF NOT EXISTS ' : ''}`,
    );
    return {
      message: `CREATE INDEX on ${table.sql} without CONCURRENTLY blocks all writes to it until the build ends.`,
      why: `A plain index build takes a SHARE lock: INSERT, UPDATE and DELETE on ${table.sql} wait for the whole build, which grows with the table's size (minutes to hours on large tables). CONCURRENTLY takes SHARE UPDATE EXCLUSIVE and lets writes continue.`,
      lock: lockImpact('SHARE', table.sql, "the whole index build (grows with the table's size)"),
      recipe: {
        summary: 'Build the index CONCURRENTLY, outside any transaction block; if the build fails, drop the INVALID index and retry.',
        sql: `${safe};`,
        versions: 'CREATE INDEX CONCURRENTLY: all supported versions; cannot run inside a transaction block.',
      },
    };
  },
});
