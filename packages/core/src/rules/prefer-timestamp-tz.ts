import type { ColumnDef } from '@pgsql/types';
import { as, typeInfo } from '../ast.js';
import { defineRule, type RuleContext } from '../rule.js';
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
    const naive = cols.filter(({ col }) => typeInfo(col.typeName)?.name === 'timestamp');
    if (naive.length === 0) return undefined;
    const fixed = `${withTimestamptz(ctx, naive.map(({ col }) => col))};`;
    return naive.map(({ col, name }): Report => {
      const type = typeInfo(col.typeName)!;
      const tz = `timestamptz${type.mods.length ? `(${type.mods.join(', ')})` : ''}${type.array ? '[]' : ''}`;
      return {
        message: `Column ${quoteIdent(name)} is timestamp without time zone; use ${tz}.`,
        why: 'timestamp keeps the digits it is given and drops the zone: a value written by a session in UTC and one written in Europe/Paris for the same instant differ by hours, and reading in another TimeZone shifts nothing. timestamptz stores the instant and converts on output.',
        location: col.typeName?.location ?? col.location,
        recipe: {
          summary: `Declare the column as ${tz}.`,
          sql: fixed,
          versions: 'All supported versions. Converting an existing timestamp column to timestamptz rewrites the table unless the session TimeZone is UTC (PG 12+).',
        },
      };
    });
  },
});

const NAIVE = /^timestamp(\s*\(\s*\d+\s*\))?(\s+without\s+time\s+zone)?/i;

/** The statement's own text with each naive column type turned into timestamptz (precision kept). */
function withTimestamptz(ctx: RuleContext, cols: ColumnDef[]): string {
  const { statement, migration } = ctx;
  let text = statement.text;
  const offsets = cols
    .map((col) => (col.typeName?.location === undefined ? -1 : migration.map.charOffset(col.typeName.location) - statement.start.offset))
    .filter((o) => o >= 0)
    .sort((a, b) => b - a);
  for (const at of offsets) {
    const match = NAIVE.exec(text.slice(at));
    if (match) text = `${text.slice(0, at)}timestamptz${(match[1] ?? '').replace(/\s+/g, '')}${text.slice(at + match[0].length)}`;
  }
  return text;
}
