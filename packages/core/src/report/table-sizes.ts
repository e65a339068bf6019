/** Sizes of the existing tables a plan locks, read from the database it runs on (read-only, planner estimates for
 *  all but small tables: a report must not make a run wait on counts). */
import type { TableRef } from '../ast.js';
import { readTable } from '../live/tables.js';
import type { ReadOnlySession } from '../live/readonly.js';
import type { Plan } from '../plan/types.js';
import type { TableSize } from './model.js';
import { tablesFromLive } from './build.js';

export async function planTableSizes(db: ReadOnlySession, plan: Plan, source = 'live database, before the run'): Promise<TableSize[]> {
  const refs = new Map<string, TableRef>();
  for (const step of plan.steps) for (const t of step.targets) if (!t.newTable) refs.set(t.table.key, t.table);
  const out: TableSize[] = [];
  for (const ref of refs.values()) {
    const table = await readTable(db, ref, 10_000, 1000);
    if (table) out.push(...tablesFromLive([table], source));
  }
  return out;
}
