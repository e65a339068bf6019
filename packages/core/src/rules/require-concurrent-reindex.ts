import { as } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteQualified } from '../sql.js';

const OBJECT: Record<string, string> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
  REINDEX_OBJECT_SYSTEM: 'SYSTEM',
};

/** A plain REINDEX locks the table against writes (and the index against reads through it) for the whole rebuild.
 *  From PG 12, REINDEX CONCURRENTLY rebuilds beside the old index. */
export default defineRule({
  id: 'require-concurrent-reindex',
  severity: 'warning',
  kinds: ['ReindexStmt'],
  summary: 'REINDEX without CONCURRENTLY blocks writes (and reads using the index) for the whole rebuild (PG 12+ can do it concurrently).',
  check(ctx) {
    const reindex = as(ctx.statement.node, 'ReindexStmt');
    if (!reindex || ctx.options.pgVersion < 12) return undefined;
    if ((reindex.params ?? []).some((p) => as(p, 'DefElem')?.defname === 'concurrently')) return undefined;
    const kind = OBJECT[reindex.kind ?? ''] ?? 'INDEX';
    if (kind === 'SYSTEM') return undefined;
    const target = reindex.relation?.relname ? quoteQualified(reindex.relation.schemaname, reindex.relation.relname) : (reindex.name ?? '');
    return {
      message: `REINDEX ${kind} ${target} without CONCURRENTLY blocks writes for the whole rebuild.`,
      why: 'A plain REINDEX takes SHARE on the table (INSERT, UPDATE and DELETE wait) and ACCESS EXCLUSIVE on each index rebuilt (queries that would use it wait), for a time that grows with the table.',
      recipe: {
        summary: 'Rebuild CONCURRENTLY, outside a transaction block.',
        sql: `REINDEX ${kind} CONCURRENTLY ${target};`,
        versions: 'REINDEX CONCURRENTLY: PG 12+; not inside a transaction block; a failure leaves an INVALID "_ccnew" index to drop.',
      },
    };
  },
});
