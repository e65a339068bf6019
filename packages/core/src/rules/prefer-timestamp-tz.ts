import type { ColumnDef } from '@pgsql/types';
import type { Node } from '@pgsql/types';
import { as, sqlOf, typeInfo } from '../ast.js';
import { defineRule } from '../rule.js';
import { quoteIdent } from '../sql.js';
import type { Report } from '../finding.js';

/** Incident 7: `timestamp` stores a wall-clock time with no zone; the same instant reads back differently depending
 *  on the session's TimeZone, and DST makes some values ambiguous. */
export default defineRule({
  id: 'prefer-timestamp-tz',
  severity: 'warning',
  summary: 'A timestamp column without time zone: values depend on the writer\'s TimeZone setting.',
  check(ctx) {
    const cols: { col: ColumnDef; name: string }[] = [];
    for (const elt of as(ctx.statement.node, 'CreateStmt')?.tableElts ?? []) {
      const col = as(elt, 'ColumnDef');
      if (col?.colname) cols.push({ col, name: col.colname });
    }
    for (const c of as(ctx.statement.node, 'AlterTableStmt')?.cmds ?? []) {
      const cmd = as(c, 'AlterTableCmd');
      const col = as(cmd?.def, 'ColumnDef');
      if (col && cmd?.subtype === 'AT_AddColumn' && col.colname) cols.push({ col, name: col.colname });
      if (col && cmd?.subtype === 'AT_AlterColumnType' && cmd.name) cols.push({ col, name: cmd.name });
    }
    const fixed = cols.length ? `${sqlOf(withTimestamptz(ctx.statement.node))};` : '';
    return cols.flatMap(({ col, name }): Report[] => {
      const type = typeInfo(col.typeName);
      if (type?.name !== 'timestamp') return [];
      const tz = `timestamptz${type.mods.length ? `(${type.mods.join(', ')})` : ''}${type.array ? '[]' : ''}`;
      return [{
        message: `Column ${quoteIdent(name)} is timestamp without time zone; use ${tz}.`,
        why: 'timestamp keeps the digits it is given and drops the zone: a value written by a session in UTC and one written in Europe/Paris for the same instant differ by hours, and reading in another TimeZone shifts nothing. timestamptz stores the instant and converts on output.',
        location: col.typeName?.location ?? col.location,
        recipe: {
          summary: `Declare the column as ${tz}.`,
          sql: fixed,
          versions: 'All supported versions. Converting an existing timestamp column to timestamptz rewrites the table unless the session TimeZone is UTC (PG 12+).',
        },
      }];
    });
  },
});

/** A copy of the statement with every `timestamp` type turned into `timestamptz` (modifiers kept). */
function withTimestamptz(node: Node): Node {
  return JSON.parse(JSON.stringify(node), (key, value: unknown) => {
    if (key === 'TypeName' || (value && typeof value === 'object' && 'names' in value && 'typemod' in value)) {
      const tn = value as { names?: Node[] };
      if (typeInfo(tn)?.name === 'timestamp') return { ...tn, names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: 'timestamptz' } }] };
    }
    return value;
  }) as Node;
}
