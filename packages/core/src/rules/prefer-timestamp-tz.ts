import { cap, columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { retypeStatement } from '../retype.js';
import { firstOfHabit, habitNote, type HabitMatch } from '../habit.js';

const isNaive: HabitMatch = (_name, type) => type.name === 'timestamp';

const NAIVE = /^timestamp(\s*\(\s*\d+\s*\))?(\s+without\s+time\s+zone)?/i;

/** Incident 7: `timestamp` stores a wall-clock time with no zone; the same instant reads back differently depending
 *  on the session's TimeZone, and DST makes some values ambiguous. */
export default defineRule({
  id: 'prefer-timestamp-tz',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A timestamp column without time zone: values depend on the writer\'s TimeZone setting.',
  check(ctx) {
    const naive = declaredColumns(ctx.statement.node).filter((c) => isNaive(c.name, c.type, c.def));
    if (naive.length === 0 || !firstOfHabit(ctx, isNaive)) return undefined;
    const fixed = retypeStatement(ctx, naive.map(({ location }) => location), NAIVE, (m) => `timestamptz${(m[1] ?? '').replace(/\s+/g, '')}`);
    // One finding per statement: an ORM's CREATE TABLE often has several such columns, and one fix covers them.
    const names = naive.map(({ name }) => name);
    return {
      message: `${cap(columnsPhrase(names))} ${names.length > 1 ? 'are' : 'is'} timestamp without time zone; use timestamptz.${habitNote('timestamp')}`,
      why: 'timestamp keeps the digits it is given and drops the zone: a value written by a session in UTC and one written in Europe/Paris for the same instant differ by hours, and reading in another TimeZone shifts nothing. timestamptz stores the instant and converts on output.',
      location: naive[0]!.location,
      recipe: {
        summary: `Declare ${names.length > 1 ? 'them' : 'it'} as timestamptz (the precision is kept).`,
        sql: fixed,
        versions: 'All supported versions. Converting an existing timestamp column to timestamptz rewrites the table unless the session TimeZone is UTC (PG 12+).',
      },
    };
  },
});

