import { as, calledFunctions, sqlOf, typeInfo } from '../ast.js';
import { SERIAL, VOLATILE } from '../table-work.js';
import { alterExistingTable } from '../alter-table.js';
import { defineRule } from '../rule.js';
import { lockImpact } from '../locks.js';
import { quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';

/** Stable or immutable functions often used in defaults: evaluated once, stored in the catalog (PG 11+). */
const NOT_VOLATILE = new Set(['now', 'transaction_timestamp', 'current_setting', 'lower', 'upper', 'to_timestamp', 'make_interval', 'jsonb_build_object', 'json_build_object', 'array', 'coalesce', 'concat']);

/** ADD COLUMN whose default forces a rewrite of the whole table under ACCESS EXCLUSIVE: a volatile default (or a
 *  serial), a STORED generated column, or any default before PG 11. A constant or stable default (now()) is only a
 *  catalog change from PG 11, and is not flagged (squawk flags now() too). */
export default defineRule({
  id: 'adding-field-with-default',
  severity: 'error',
  kinds: ['AlterTableStmt'],
  summary: 'ADD COLUMN with a volatile default, a serial or a STORED generated column rewrites the whole table under ACCESS EXCLUSIVE.',
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return undefined;
    const { table } = alter;
    return alter.cmds.flatMap((cmd): Report[] => {
      const col = cmd.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
      if (!col?.colname) return [];
      const cons = (col.constraints ?? []).map((c) => as(c, 'Constraint'));
      const def = cons.find((c) => c?.contype === 'CONSTR_DEFAULT');
      const generated = cons.find((c) => c?.contype === 'CONSTR_GENERATED' && c.generated_kind === 's');
      const serial = SERIAL.has(typeInfo(col.typeName)?.name ?? '');
      const calls = def ? calledFunctions(def.raw_expr) : [];
      // A function the history created has the volatility its CREATE FUNCTION declared (VOLATILE by default).
      const declared = (f: string) => ctx.schema.functionVolatility(f, ctx.statement.index);
      const volatile = calls.filter((f) => VOLATILE.has(f) || (!NOT_VOLATILE.has(f) && declared(f) === 'volatile'));
      const unknown = calls.filter((f) => !VOLATILE.has(f) && !NOT_VOLATILE.has(f) && declared(f) === undefined);
      const oldVersion = ctx.options.pgVersion < 11 && !!def;
      const why = generated ? 'a STORED generated column is computed for every existing row'
        : serial ? 'a serial column takes nextval() for every existing row'
        : volatile.length ? `${volatile.join(', ')}() is volatile: it is evaluated for every existing row`
        : oldVersion ? 'before PostgreSQL 11 any default is written into every existing row'
        : unknown.length ? `${unknown.join(', ')}() may be volatile (pgsafe cannot tell without the database); if it is, every existing row is rewritten`
        : undefined;
      if (!why) return [];
      const column = quoteIdent(col.colname);
      const type = serial ? (typeInfo(col.typeName)!.name.includes('big') || typeInfo(col.typeName)!.name === 'serial8' ? 'bigint' : 'integer') : typeInfo(col.typeName)?.sql ?? 'text';
      const value = serial ? `nextval('<sequence>')` : def?.raw_expr ? sqlOf(def.raw_expr) : '<expression>';
      return [{
        severity: unknown.length && !volatile.length && !generated && !serial && !oldVersion ? 'warning' : undefined,
        message: `Adding ${table.sql}.${column} rewrites the whole table under an ACCESS EXCLUSIVE lock: ${why}.`,
        why: `PostgreSQL writes a new copy of ${table.sql} (and rebuilds its indexes) with the value filled in, holding ACCESS EXCLUSIVE: no read or write gets through until it ends, and the time grows with the table's size.`,
        lock: lockImpact('ACCESS EXCLUSIVE', table.sql, "a full table rewrite (grows with the table's size)"),
        location: col.location,
        recipe: generated ? {
          summary: 'From PG 18 use a VIRTUAL generated column (computed on read, no rewrite); before, add a plain column kept up to date by a trigger and backfill it in batches.',
          sql: `ALTER TABLE ${table.sql} ADD COLUMN ${column} ${type} GENERATED ALWAYS AS (${sqlOf(generated.raw_expr!)}) VIRTUAL;`,
          versions: 'VIRTUAL generated columns: PG 18+. STORED generated columns always rewrite the table.',
        } : {
          summary: 'Add the column without the default (or with a constant one), set the default for new rows, and backfill existing rows in batches.',
          sql: [
            `ALTER TABLE ${table.sql} ADD COLUMN ${column} ${type};`,
            `ALTER TABLE ${table.sql} ALTER COLUMN ${column} SET DEFAULT ${value}; -- new rows only, no rewrite`,
            `-- backfill in batches, outside this migration:`,
            `-- UPDATE ${table.sql} SET ${column} = ${value} WHERE ${column} IS NULL AND <primary key range>;`,
          ].join('\n'),
          versions: 'PG 11+: a constant or stable default (now()) is stored in the catalog, no rewrite. Volatile defaults and STORED generated columns always rewrite.',
        },
      }];
    });
  },
});
