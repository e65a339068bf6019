import type { Node } from '@pgsql/types';
import type { ParsedStatement } from './parse.js';
import { as, tableRef, tableRefOfList, type TableRef } from './ast.js';
import type { LockMode } from './locks.js';
import { cachedOn } from './cached-on.js';

/** A table-level lock a statement takes, per PostgreSQL's documentation of each command. */
export interface TableLock {
  table: TableRef;
  mode: LockMode;
}

const ORDER: LockMode[] = [
  'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE',
];

export function strongest(a: LockMode, b: LockMode): LockMode {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (PostgreSQL docs, "ALTER TABLE"). */
const ALTER_TABLE_LOCKS: Partial<Record<string, LockMode>> = {
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

const LOCK_TABLE_MODES: LockMode[] = [
  'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE',
];

const LOCKS = Symbol('locksTaken');

/** The table locks a statement takes (strongest per table). Indexes named without their table are not resolved. */
export function locksTaken(stmt: ParsedStatement): TableLock[] {
  return cachedOn(stmt, LOCKS, computeLocks);
}

function computeLocks(stmt: ParsedStatement): TableLock[] {
  const locks = new Map<string, TableLock>();
  const add = (table: TableRef | undefined, mode: LockMode) => {
    if (!table) return;
    const prev = locks.get(table.key);
    locks.set(table.key, { table, mode: prev ? strongest(prev.mode, mode) : mode });
  };
  const node = stmt.node;

  const alter = as(node, 'AlterTableStmt');
  if (alter && (alter.objtype === 'OBJECT_TABLE' || alter.objtype === 'OBJECT_MATVIEW' || alter.objtype === undefined)) {
    const table = tableRef(alter.relation);
    for (const c of alter.cmds ?? []) {
      const cmd = as(c, 'AlterTableCmd');
      if (!cmd) continue;
      const con = as(cmd.def, 'Constraint');
      if (cmd.subtype === 'AT_AddConstraint' && con?.contype === 'CONSTR_FOREIGN') {
        add(table, 'SHARE ROW EXCLUSIVE');
        add(tableRef(con.pktable), 'SHARE ROW EXCLUSIVE');
      } else if (cmd.subtype === 'AT_SetRelOptions' || cmd.subtype === 'AT_ResetRelOptions') {
        add(table, 'SHARE UPDATE EXCLUSIVE');
      } else {
        add(table, ALTER_TABLE_LOCKS[cmd.subtype ?? ''] ?? 'ACCESS EXCLUSIVE');
      }
      // An added column with an inline REFERENCES also locks the referenced table.
      for (const cc of as(cmd.def, 'ColumnDef')?.constraints ?? []) {
        const ref = as(cc, 'Constraint');
        if (ref?.contype === 'CONSTR_FOREIGN') add(tableRef(ref.pktable), 'SHARE ROW EXCLUSIVE');
      }
    }
  }
  const index = as(node, 'IndexStmt');
  if (index) add(tableRef(index.relation), index.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');

  const create = as(node, 'CreateStmt');
  if (create) {
    // A new table's foreign keys lock the tables they reference.
    for (const elt of create.tableElts ?? []) {
      const constraints: (Node | undefined)[] = [elt, ...(as(elt, 'ColumnDef')?.constraints ?? [])];
      for (const c of constraints) {
        const con = as(c, 'Constraint');
        if (con?.contype === 'CONSTR_FOREIGN') add(tableRef(con.pktable), 'SHARE ROW EXCLUSIVE');
      }
    }
  }
  const rename = as(node, 'RenameStmt');
  if (rename?.relation) add(tableRef(rename.relation), rename.renameType === 'OBJECT_INDEX' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');

  const drop = as(node, 'DropStmt');
  if (drop && (drop.removeType === 'OBJECT_TABLE' || drop.removeType === 'OBJECT_MATVIEW')) {
    for (const obj of drop.objects ?? []) add(tableRefOfList(obj), 'ACCESS EXCLUSIVE');
  }
  const truncate = as(node, 'TruncateStmt');
  for (const rel of truncate?.relations ?? []) add(tableRef(as(rel, 'RangeVar')), 'ACCESS EXCLUSIVE');

  const lock = as(node, 'LockStmt');
  if (lock) for (const rel of lock.relations ?? []) add(tableRef(as(rel, 'RangeVar')), LOCK_TABLE_MODES[(lock.mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE');

  const trigger = as(node, 'CreateTrigStmt');
  if (trigger) add(tableRef(trigger.relation), 'SHARE ROW EXCLUSIVE');

  const vacuum = as(node, 'VacuumStmt');
  if (vacuum) {
    const full = (vacuum.options ?? []).some((o) => as(o, 'DefElem')?.defname === 'full');
    for (const rel of vacuum.rels ?? []) add(tableRef(as(rel, 'VacuumRelation')?.relation), full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
  }
  const cluster = as(node, 'ClusterStmt');
  if (cluster) add(tableRef(cluster.relation), 'ACCESS EXCLUSIVE');

  const reindex = as(node, 'ReindexStmt');
  if (reindex?.kind === 'REINDEX_OBJECT_TABLE') {
    const concurrent = (reindex.params ?? []).some((o) => as(o, 'DefElem')?.defname === 'concurrently');
    add(tableRef(reindex.relation), concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
  }
  const refresh = as(node, 'RefreshMatViewStmt');
  if (refresh) add(tableRef(refresh.relation), refresh.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE');

  for (const dml of [as(node, 'UpdateStmt'), as(node, 'DeleteStmt'), as(node, 'InsertStmt')]) {
    if (dml) add(tableRef(dml.relation), 'ROW EXCLUSIVE');
  }
  return [...locks.values()];
}
