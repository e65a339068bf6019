/**
 * A batch run inside one open transaction (MikroORM's `allOrNothing`, the default) that contains a migration running
 * outside it (on another pooled connection: `isTransactional() === false`, needed for CREATE INDEX CONCURRENTLY):
 * the outside statement waits for the locks the open transaction took on the same table, while the transaction waits
 * for that statement to finish. PostgreSQL sees no deadlock (the waiter's partner is the client), so the run hangs
 * until a timeout. A table the open transaction created does not exist yet for the other connection: the statement
 * fails ("relation does not exist") after the earlier migrations ran. This finds both before anything runs.
 */
import { as, tableRef } from '../ast.js';
import { lockConflicts } from '../execute/lock-conflicts.js';
import { parseMigration, loadParser, type ParsedStatement } from '../parse.js';
import { locksTaken } from '../statement-locks.js';

export interface BatchMigration {
  name: string;
  statements: string[];
  /** Runs inside the batch's open transaction. */
  transactional: boolean;
}

export interface OpenTransactionWait {
  /** The migration that runs outside the transaction, and its statement that would wait. */
  migration: string;
  statement: string;
  /** The earlier migration whose statement, still uncommitted, holds the conflicting lock. */
  heldBy: string;
  heldByStatement: string;
  /** The table, as the migrations wrote it. */
  table: string;
  /** 'lock': it would wait for the transaction's lock; 'created': the transaction created the table, which the
   *  other connection cannot see before the commit. */
  reason: 'lock' | 'created';
}

interface Held {
  migration: string;
  statement: string;
  mode: ReturnType<typeof locksTaken>[number]['mode'];
  table: string;
  created: boolean;
}

/** The statements of non-transactional migrations that would wait for a lock the batch's open transaction holds. */
export async function openTransactionWaits(batch: BatchMigration[]): Promise<OpenTransactionWait[]> {
  // Nothing after the last non-transactional migration can wait (parsing a long batch for nothing costs seconds).
  const last = batch.map((m) => !m.transactional).lastIndexOf(true);
  if (last < 1) return [];
  await loadParser();
  const held = new Map<string, Held[]>();
  const waits: OpenTransactionWait[] = [];
  for (const migration of batch.slice(0, last + 1)) {
    for (const stmt of parsed(migration)) {
      const created = tableRef(as(stmt.node, 'CreateStmt')?.relation);
      const locks = [...locksTaken(stmt), ...(created ? [{ table: created, mode: 'ACCESS EXCLUSIVE' as const }] : [])];
      for (const lock of locks) {
        if (migration.transactional) {
          const entry = { migration: migration.name, statement: stmt.text, mode: lock.mode, table: lock.table.sql, created: lock.table === created };
          held.set(lock.table.key, [...(held.get(lock.table.key) ?? []), entry]);
          continue;
        }
        const blocker = held.get(lock.table.key)?.find((h) => h.created || lockConflicts(h.mode, lock.mode));
        if (blocker) {
          waits.push({ migration: migration.name, statement: stmt.text, heldBy: blocker.migration, heldByStatement: blocker.statement, table: blocker.table, reason: blocker.created ? 'created' : 'lock' });
        }
      }
    }
  }
  return waits;
}

function parsed(migration: BatchMigration): ParsedStatement[] {
  const source = migration.statements.map((s) => `${s.trim().replace(/;$/, '')}\n;\n`).join('');
  return parseMigration(source, migration.name).statements;
}
