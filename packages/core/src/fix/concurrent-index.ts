/** CREATE INDEX → CREATE INDEX CONCURRENTLY IF NOT EXISTS; DROP INDEX → DROP INDEX CONCURRENTLY IF EXISTS, one index
 *  per statement (PostgreSQL's rule for CONCURRENTLY). Both alone, outside any transaction. */
import type { Constraint } from '@pgsql/types';
import { as, tableRef } from '../ast.js';
import type { ParsedStatement } from '../parse.js';
import type { FixContext, Rewrite } from './types.js';

const LEADING = String.raw`(?:\s|--[^\n]*\n|/\*[\s\S]*?\*/)*`;

export function createIndexConcurrently(ctx: FixContext): Rewrite | undefined {
  const index = as(ctx.node, 'IndexStmt');
  if (!index || index.concurrent || !ctx.findings.some((f) => f.rule === 'require-concurrent-index-creation')) return undefined;
  const re = new RegExp(`^(${LEADING}CREATE\\s+(?:UNIQUE\\s+)?INDEX)(\\s+IF\\s+NOT\\s+EXISTS)?(?=\\s)`, 'i');
  if (!re.test(ctx.text)) return undefined;
  // IF NOT EXISTS needs a name; it lets a run interrupted after the build go again.
  const sql = ctx.text.replace(re, (_, head: string, ine?: string) => `${head} CONCURRENTLY${ine ?? (index.idxname ? ' IF NOT EXISTS' : '')}`);
  return {
    rule: 'require-concurrent-index-creation',
    message: 'CREATE INDEX → CREATE INDEX CONCURRENTLY, alone outside a transaction (writes continue during the build)',
    pieces: [{ sql: `${sql};`, transactional: false, slug: 'concurrent_index', long: true, deferrable: !usedLater(ctx.stmt, ctx.later) }],
  };
}

export function dropIndexConcurrently(ctx: FixContext): Rewrite | undefined {
  const finding = ctx.findings.find((f) => f.rule === 'require-concurrent-index-deletion');
  const drop = as(ctx.node, 'DropStmt');
  if (!finding || !drop || drop.concurrent || drop.behavior === 'DROP_CASCADE') return undefined;
  // The rule's recipe already holds one DROP INDEX CONCURRENTLY IF EXISTS per index, names quoted.
  const statements = finding.recipe.sql.split('\n').filter((l) => l.startsWith('DROP INDEX CONCURRENTLY'));
  return {
    rule: finding.rule,
    message: 'DROP INDEX → DROP INDEX CONCURRENTLY IF EXISTS, one index per statement, outside a transaction',
    pieces: statements.map((sql) => ({ sql, transactional: false, slug: 'drop_index_concurrently', long: true })),
  };
}

/** A later statement names the index, or has a foreign key whose referenced columns are exactly the index's (a
 *  foreign key needs that unique index to exist): the build cannot wait until the end. */
function usedLater(stmt: ParsedStatement, rest: ParsedStatement[]): boolean {
  const index = as(stmt.node, 'IndexStmt');
  if (!index) return true;
  const table = tableRef(index.relation)?.key;
  const columns = new Set((index.indexParams ?? []).map((p) => as(p, 'IndexElem')?.name));
  return rest.some((later) => {
    if (index.idxname && later.text.includes(index.idxname)) return true;
    return foreignKeys(later.node).some((fk) => {
      const refs = (fk.pk_attrs ?? []).map((a) => as(a, 'String')?.sval);
      return tableRef(fk.pktable)?.key === table && refs.length === columns.size && refs.every((r) => columns.has(r));
    });
  });
}

function foreignKeys(node: unknown): Constraint[] {
  const found: Constraint[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const c = (value as { Constraint?: Constraint }).Constraint;
      if (c?.contype === 'CONSTR_FOREIGN') found.push(c);
      Object.values(value).forEach(walk);
    }
  };
  walk(node);
  return found;
}
