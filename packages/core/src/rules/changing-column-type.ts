import { as, typeInfo, type TypeInfo } from '../ast.js';
import { alterExistingTable } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';

const TEXTUAL = new Set(['text', 'varchar', 'bpchar']);

/** ALTER COLUMN ... TYPE usually rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE. Unlike squawk,
 *  changes PostgreSQL makes without a rewrite are not flagged when the old type is known (defined earlier in the
 *  migration), and are only a warning when it is not: widening varchar, varchar → text, unconstrained numeric. */
export default defineRule({
  id: 'changing-column-type',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ALTER COLUMN ... TYPE rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock.',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return undefined;
    const { table } = alter;
    return alter.cmds.flatMap((cmd): Report[] => {
      const def = cmd.subtype === 'AT_AlterColumnType' ? as(cmd.def, 'ColumnDef') : undefined;
      const next = typeInfo(def?.typeName);
      if (!def || !next || !cmd.name) return [];
      const using = !!def.raw_default;
      const before = ctx.schema.column(table, cmd.name, ctx.statement.index)?.type;
      const verdict = using ? 'rewrite' : before ? (noRewrite(before, next) ? 'safe' : 'rewrite') : mayBeMetadataOnly(next) ? 'unknown' : 'rewrite';
      if (verdict === 'safe') return [];
      const column = quoteIdent(cmd.name);
      const tmp = quoteIdent(`${cmd.name}_new`);
      return [{
        severity: verdict === 'unknown' ? 'warning' : 'error',
        message:
          verdict === 'unknown'
            ? `Changing ${table.sql}.${column} to ${next.sql} rewrites the table unless the current type is a shorter varchar or text-like type (pgsafe cannot see it without a database).`
            : `Changing ${table.sql}.${column}${before ? ` from ${before.sql}` : ''} to ${next.sql}${using ? ' with USING' : ''} rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock.`,
        why: `The rewrite copies every row of ${table.sql} and rebuilds each of its indexes while holding ACCESS EXCLUSIVE: no read or write gets through until it ends, and the time grows with the table's size (minutes to hours). It also needs disk for a second copy.`,
        lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "a full table and index rewrite (grows with the table's size)"),
        location: def.location,
        recipe: {
          summary: 'Add a new column of the new type, keep it in sync with a trigger, backfill it in batches, then swap the columns in one short transaction.',
          sql: [
            `ALTER TABLE ${table.sql} ADD COLUMN ${tmp} ${next.sql};`,
            `-- a trigger copies ${column} into ${tmp} on INSERT/UPDATE; backfill old rows in batches:`,
            `-- UPDATE ${table.sql} SET ${tmp} = ${column}::${next.sql} WHERE <primary key range> AND ${tmp} IS NULL;`,
            `-- then, in one short transaction (with lock_timeout), after recreating indexes/constraints on ${tmp} CONCURRENTLY:`,
            `ALTER TABLE ${table.sql} RENAME COLUMN ${column} TO ${quoteIdent(`${cmd.name}_old`)};`,
            `ALTER TABLE ${table.sql} RENAME COLUMN ${tmp} TO ${column};`,
          ].join('\n'),
          versions: 'No rewrite for: varchar(n) → varchar(m ≥ n) or text, text → varchar, numeric(p,s) → numeric(p2 ≥ p, s) or numeric (PG 9.2+); timestamp → timestamptz only with TimeZone UTC (PG 12+).',
        },
      }];
    });
  },
});

/** Changes PostgreSQL applies by updating the catalog only (binary-coercible, no tighter modifier). */
function noRewrite(from: TypeInfo, to: TypeInfo): boolean {
  if (from.array !== to.array) return false;
  if (from.name === to.name && from.mods.join() === to.mods.join()) return true;
  if (TEXTUAL.has(from.name) && from.name !== 'bpchar' && (to.name === 'text' || (to.name === 'varchar' && widens(from, to)))) return true;
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return true;
    return from.mods.length > 0 && (to.mods[1] ?? 0) === (from.mods[1] ?? 0) && to.mods[0]! >= from.mods[0]!;
  }
  if (from.name === 'varbit' && to.name === 'varbit') return widens(from, to);
  return false;
}

function widens(from: TypeInfo, to: TypeInfo): boolean {
  if (to.mods.length === 0) return true;
  if (from.name === 'text' || from.mods.length === 0) return false;
  return to.mods[0]! >= from.mods[0]!;
}

/** Target types that are metadata-only from the common text types, when the old type is unknown. */
function mayBeMetadataOnly(to: TypeInfo): boolean {
  return !to.array && (to.name === 'text' || to.name === 'varchar' || (to.name === 'numeric' && to.mods.length === 0));
}
