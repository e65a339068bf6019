/**
 * A transaction that spans migrations: knex runs a whole batch in one transaction when every migration of it is
 * transactional, TypeORM does in its default `migrationsTransactionMode: 'all'`, MikroORM with `allOrNothing` (its
 * default). The locks an earlier migration took are then still held while the later ones run, and a NOT VALID
 * constraint added earlier is validated while its ADD's lock is held. What the rules need of the earlier migrations
 * is kept here, small (only the statements that hold a traffic-blocking lock or add a NOT VALID constraint): the
 * rules that look back over the transaction (validate-constraint-in-same-transaction, backfill-in-schema-migration,
 * lock-queue-risk) see it through `heldEarlier(ctx)`.
 */
import { as, tableRef } from '../ast.js';
import { addedConstraints } from '../alter-table.js';
import { trafficLocks } from '../lock-risk.js';
import type { ParsedMigration } from '../parse.js';
import type { RuleContext } from '../rule.js';
import type { SchemaModel } from '../schema-model.js';
import type { TableLock } from '../statement-locks.js';

/** A statement an earlier migration ran in the transaction still open. */
export interface EarlierInTransaction {
  /** The runner's name of its migration. */
  migration: string;
  line: number;
  text: string;
  /** Traffic-blocking locks it took on tables that existed before the deploy: held until the commit. */
  locks: TableLock[];
  /** Constraints it added NOT VALID (table key, name, and the lock the ADD took). */
  notValid: { table: string; name: string; mode: 'ACCESS EXCLUSIVE' | 'SHARE ROW EXCLUSIVE' }[];
}

/** The transaction a migration continues: its statements in transaction `transaction` (the state's id) run after
 *  `earlier`, which the same transaction ran for earlier migrations, and `because` says why (the runner). */
export interface OpenTransaction {
  transaction: number;
  because: string;
  earlier: EarlierInTransaction[];
}

/** What `migration` (judged in `schema`) leaves held in its transaction: its statements for which `inIt` is true. */
export function heldBy(name: string, migration: ParsedMigration, schema: SchemaModel, inIt: (index: number) => boolean): EarlierInTransaction[] {
  const held: EarlierInTransaction[] = [];
  for (const stmt of migration.statements) {
    if (!inIt(stmt.index)) continue;
    // A table created earlier in the same deploy has no traffic yet: its lock blocks nobody.
    const locks = trafficLocks(stmt, schema).filter((l) => !schema.createdEarlierInDeploy(l.table, stmt.index));
    const alter = as(stmt.node, 'AlterTableStmt');
    const table = tableRef(alter?.relation);
    const notValid = table && !schema.isNewTable(table, stmt.index) && !schema.createdEarlierInDeploy(table, stmt.index)
      ? addedConstraints((alter!.cmds ?? []).map((c) => as(c, 'AlterTableCmd')!).filter(Boolean))
          .filter((c) => c.skip_validation && c.conname)
          .map((c) => ({ table: table.key, name: c.conname!, mode: c.contype === 'CONSTR_FOREIGN' ? ('SHARE ROW EXCLUSIVE' as const) : ('ACCESS EXCLUSIVE' as const) }))
      : [];
    if (locks.length || notValid.length) held.push({ migration: name, line: stmt.start.line, text: stmt.text, locks, notValid });
  }
  return held;
}

/** The earlier migrations' statements still holding their locks in the statement's transaction (none when the
 *  statement runs in a transaction of its own). */
export function heldEarlier(ctx: RuleContext): EarlierInTransaction[] {
  const open = ctx.options.openTransaction;
  return open && ctx.state.transaction !== undefined && ctx.state.transaction === open.transaction ? open.earlier : [];
}

/** Where an earlier statement is, for messages: "line 3 of migration 002_add_fk". */
export function whereEarlier(e: EarlierInTransaction): string {
  return `line ${e.line} of migration ${e.migration}`;
}
