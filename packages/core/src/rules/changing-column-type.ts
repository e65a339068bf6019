import type { AlterTableCmd, Node } from '@pgsql/types';
import { as, deparse, strings, typeInfo, type TableRef } from '../ast.js';
import { alterExistingTable } from '../alter-table.js';
import { defineRule, type RuleContext } from '../rule.js';
import { lockImpact } from '../locks.js';
import { makeName, quoteIdent, quoteQualified } from '../sql.js';
import { keysetBatches } from '../batches.js';
import { tableKey } from '../table-key.js';
import { retypeWithoutRewrite } from '../table-work.js';
import type { Report } from '../finding.js';

const ZONED = new Set(['timestamp', 'timestamptz']);

/** ALTER COLUMN ... TYPE usually rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE. Unlike squawk,
 *  the changes PostgreSQL makes in the catalog only (checked with pg_class.relfilenode in the tests) are not flagged
 *  when the old type is known from the migration, and only warned about when it is not and the new type is a
 *  widening target (varchar, text, numeric, varbit). timestamp ↔ timestamptz skips the rewrite only under
 *  TimeZone UTC (PG 12+): flagged, with that way out as the recipe. */
export default defineRule({
  id: 'changing-column-type',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ALTER COLUMN ... TYPE rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock.',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return undefined;
    return alter.cmds.flatMap((cmd) => {
      const report = cmd.subtype === 'AT_AlterColumnType' ? retype(ctx, alter.table, cmd) : undefined;
      return report ? [report] : [];
    });
  },
});

function retype(ctx: RuleContext, table: TableRef, cmd: AlterTableCmd): Report | undefined {
  const def = as(cmd.def, 'ColumnDef');
  const to = typeInfo(def?.typeName);
  if (!def || !to || !cmd.name) return undefined;
  const using = def.raw_default;
  const collation = strings(def.collClause?.collname).at(-1);
  const before = ctx.schema.column(table, cmd.name, ctx.statement.index);
  const from = before?.type;
  const sameOrder = !collation || collation.toLowerCase() === before?.collation;
  const catalogOnly = !using && !!from && retypeWithoutRewrite(from, to);
  if (catalogOnly && sameOrder) return undefined;
  // From PG 12, timestamp ↔ timestamptz reinterprets nothing when the session TimeZone is UTC.
  const zoned = ctx.options.pgVersion >= 12 && !using && ZONED.has(to.name) && !to.array && (!from || (ZONED.has(from.name) && from.name !== to.name && !from.array));
  const unknown = !from && !using && !zoned && !to.array && ['text', 'varchar', 'numeric', 'varbit'].includes(to.name);

  const column = quoteIdent(cmd.name);
  const target = `${table.sql}.${column}`;
  const newType = `${to.sql}${collation ? ` COLLATE ${quoteIdent(collation)}` : ''}`;
  const other = to.name === 'timestamptz' ? 'timestamp' : 'timestamptz';
  const utc = !zoned ? '' : from ? ' unless the session TimeZone is UTC (PG 12+)' : ` (from ${other}: unless the session TimeZone is UTC, PG 12+)`;
  const message = catalogOnly
    ? `Changing the collation of ${target} to ${quoteIdent(collation!)} rebuilds every index on it under an ACCESS EXCLUSIVE lock.`
    : unknown
      ? `Changing ${target} to ${to.sql} rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock, unless it widens a varchar, numeric or varbit (pgsafe cannot see the current type).`
      : `Changing ${target}${from ? ` from ${from.sql}` : ''} to ${to.sql}${using ? ' with USING' : ''} rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock${utc}.`;
  return {
    ...(unknown ? { severity: 'warning' as const } : {}),
    message,
    why: catalogOnly
      ? `The table is not rewritten, but each index on ${column} is rebuilt in the new order while ACCESS EXCLUSIVE is held: no read or write of ${table.sql} gets through until the builds end, which grows with the table's size.`
      : `The rewrite copies every row of ${table.sql} and rebuilds each of its indexes while holding ACCESS EXCLUSIVE: no read or write gets through until it ends, and the time grows with the table's size (minutes to hours). It also needs disk for a second copy.`,
    lock: lockImpact('ACCESS EXCLUSIVE', table.sql, catalogOnly ? "the index rebuilds (grow with the table's size)" : "a full table and index rewrite (grows with the table's size)"),
    location: def.location,
    recipe:
      zoned && from
        ? {
            summary: 'If the stored values are UTC, convert under TimeZone UTC: a catalog-only change. Otherwise add a new column and backfill it with the zone made explicit.',
            sql: [
              ...(ctx.state.inTransaction ? [] : ['BEGIN;']),
              `SET LOCAL TimeZone = 'UTC';`,
              `${ctx.statement.text};`,
              ...(ctx.state.inTransaction ? [] : ['COMMIT;']),
              `-- values in another zone: add a new column instead, backfilled with ${column} AT TIME ZONE '<zone>'`,
            ].join('\n'),
            versions: 'PG 12+: timestamp ↔ timestamptz is catalog-only when the session TimeZone is UTC; before PG 12 it always rewrites.',
          }
        : {
            summary: `${unknown ? `If the current type of ${column} is one PostgreSQL widens in place (see versions), nothing to do; otherwise a` : 'A'}dd a new column of the new type kept in sync by a trigger, backfill it in batches, then swap the columns in one short transaction.`,
            sql: newColumnRecipe(table, cmd.name, newType, using, zoned ? other : undefined, tableKey(ctx.schema, table)),
            versions: `No rewrite (PG 9.2+) for: varchar(n) → varchar(m ≥ n), varchar or text; text → varchar; numeric(p,s) → numeric(p2 ≥ p, s) or numeric; varbit(n) → varbit(m ≥ n). timestamp ↔ timestamptz: only with TimeZone UTC (PG 12+). The batch loop commits inside DO: PG 11+.`,
          },
  };
}

/** Expand and contract: the new column, a trigger keeping it in sync, a keyset backfill, the swap. */
function newColumnRecipe(table: TableRef, name: string, newType: string, using: Node | undefined, zonedFrom: string | undefined, key: string): string {
  const column = quoteIdent(name);
  const fresh = quoteIdent(makeName(name, 'new'));
  const sync = makeName(table.name, name, 'new', 'sync');
  const fn = quoteQualified(table.schema, sync);
  // Without USING, an assignment cast converts (ALTER TYPE needs one too); with USING, the trigger computes the same
  // expression on the row being written. (Deparsed as is: sqlOf would also fold the whitespace inside literals.)
  const fromRow = using ? deparse(onNewRow(using)) : `NEW.${column}`;
  const fromTable = using ? deparse(using) : column;
  return [
    ...(zonedFrom ? [`-- if ${column} is ${zonedFrom} holding UTC values: no rewrite when run in a transaction after SET LOCAL TimeZone = 'UTC' (PG 12+)`] : []),
    `-- migration 1: the new column, kept in sync by a trigger from now on`,
    `ALTER TABLE ${table.sql} ADD COLUMN ${fresh} ${newType};`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.${fresh} := ${fromRow}; RETURN NEW; END $$;`,
    `CREATE TRIGGER ${quoteIdent(sync)} BEFORE INSERT OR UPDATE ON ${table.sql} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    `-- backfill, outside any transaction block, one short transaction per batch on the key ${quoteIdent(key)}; rows the trigger already wrote, and NULLs, are skipped:`,
    keysetBatches(table, (inBatch) => `UPDATE ${table.sql} SET ${fresh} = ${fromTable} WHERE ${inBatch} AND ${fresh} IS NULL AND (${fromTable}) IS NOT NULL`, key),
    `-- give ${fresh} the default, NOT NULL and constraints of ${column} (NOT VALID, then VALIDATE) and build its indexes`,
    `-- CONCURRENTLY (a primary key: ADD CONSTRAINT ... PRIMARY KEY USING INDEX); then swap in one short transaction:`,
    `BEGIN;`,
    `SET LOCAL lock_timeout = '2s';`,
    `ALTER TABLE ${table.sql} RENAME COLUMN ${column} TO ${quoteIdent(makeName(name, 'old'))};`,
    `ALTER TABLE ${table.sql} RENAME COLUMN ${fresh} TO ${column};`,
    `DROP TRIGGER ${quoteIdent(sync)} ON ${table.sql};`,
    `DROP FUNCTION ${fn}();`,
    `COMMIT;`,
    `-- later, once nothing reads it: ALTER TABLE ${table.sql} DROP COLUMN ${quoteIdent(makeName(name, 'old'))};`,
  ].join('\n');
}

/** The USING expression with its column references read from the trigger's NEW row. */
function onNewRow(expr: Node): Node {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const ref = (v as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
    if (ref?.fields?.length === 1 && as(ref.fields[0], 'String')) return { ColumnRef: { ...ref, fields: [{ String: { sval: 'new' } }, ...ref.fields] } };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(expr) as Node;
}

