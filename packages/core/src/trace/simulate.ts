/** Statements that cannot run inside a transaction block, traced as the nearest form that can, with the lock the
 *  documented form takes. */
import type { Node } from '@pgsql/types';
import { as, sqlOf } from '../ast.js';
import type { ParsedStatement } from '../parse.js';
import { nonTransactionalKind } from '../plan/classify.js';

export type Simulation = { sql: string; tracedAs?: string; note?: string } | { skip: string };

/** How to trace `stmt` in a transaction: as written, as its non-concurrent form, or not at all. */
export function simulate(stmt: ParsedStatement, pgVersion: number): Simulation {
  const tx = as(stmt.node, 'TransactionStmt');
  if (tx) return { skip: 'transaction control: the trace runs the whole migration in one transaction, rolled back at the end' };
  const kind = nonTransactionalKind(stmt, pgVersion);
  if (!kind) return { sql: stmt.text };
  const node = structuredClone(stmt.node) as Node;
  const deparse = () => sqlOf(node);
  switch (kind) {
    case 'create-index-concurrently': {
      as(node, 'IndexStmt')!.concurrent = false;
      return {
        sql: deparse(),
        tracedAs: deparse(),
        note: 'traced without CONCURRENTLY (it cannot run in a transaction block): the real statement takes SHARE UPDATE EXCLUSIVE on the table (writes continue), waits for every older transaction, and scans the table twice',
      };
    }
    case 'drop-index-concurrently': {
      as(node, 'DropStmt')!.concurrent = false;
      return {
        sql: deparse(),
        tracedAs: deparse(),
        note: 'traced without CONCURRENTLY: the real statement takes SHARE UPDATE EXCLUSIVE on the table and waits for transactions using the index, instead of ACCESS EXCLUSIVE',
      };
    }
    case 'reindex-concurrently': {
      const r = as(node, 'ReindexStmt')!;
      r.params = (r.params ?? []).filter((p) => as(p, 'DefElem')?.defname !== 'concurrently');
      return {
        sql: deparse(),
        tracedAs: deparse(),
        note: 'traced without CONCURRENTLY: the real statement takes SHARE UPDATE EXCLUSIVE (writes continue) and builds new indexes beside the old ones',
      };
    }
    case 'detach-partition-concurrently': {
      for (const c of as(node, 'AlterTableStmt')?.cmds ?? []) {
        const part = as(as(c, 'AlterTableCmd')?.def, 'PartitionCmd');
        if (part) part.concurrent = false;
      }
      return {
        sql: deparse(),
        tracedAs: deparse(),
        note: 'traced without CONCURRENTLY: the real statement takes SHARE UPDATE EXCLUSIVE on the parent (PG 14+) and waits for older transactions',
      };
    }
    default:
      return { skip: `${kind}: cannot run inside a transaction block, so it is not traced` };
  }
}
