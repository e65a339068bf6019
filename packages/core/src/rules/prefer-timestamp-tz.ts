import type { Node } from '@pgsql/types';
import { cap, columnsPhrase, declaredColumns } from '../column-types.js';
import { defineRule } from '../rule.js';
import { retypeStatement } from '../retype.js';
import { as, columnConstraints, strings } from '../ast.js';
import { firstOfHabit, habitNote, type HabitMatch } from '../habit.js';

const NAIVE = /^timestamp(\s*\(\s*\d+\s*\))?(\s+without\s+time\s+zone)?/i;
const CLOCKS = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'clock_timestamp']);

/** The database's clock, as the default writes it: now(), CURRENT_TIMESTAMP, LOCALTIMESTAMP (a cast around it
 *  changes nothing). timezone('utc', now()) pins the zone and is not one. */
function isClock(node: Node | undefined): boolean {
  const cast = as(node, 'TypeCast');
  if (cast) return isClock(cast.arg);
  const fn = as(node, 'FuncCall');
  if (fn) return !fn.args?.length && CLOCKS.has(strings(fn.funcname).at(-1)?.toLowerCase() ?? '');
  const op = as(node, 'SQLValueFunction')?.op;
  return op === 'SVFOP_CURRENT_TIMESTAMP' || op === 'SVFOP_CURRENT_TIMESTAMP_N' || op === 'SVFOP_LOCALTIMESTAMP' || op === 'SVFOP_LOCALTIMESTAMP_N';
}

/** A timestamp column the database fills from its clock: the value is the wall-clock time of the session's TimeZone,
 *  so rows written by sessions (or servers) in different zones disagree. A timestamp the application writes is what
 *  the application makes it (ORMs write UTC): reported per column, 9 of 20 sampled real findings were worth acting
 *  on; reported where the database's clock writes it, nearly all (issue 22). */
const isClockStamped: HabitMatch = (_name, type, def) => type.name === 'timestamp' && !type.array && columnConstraints(def).some((c) => c.contype === 'CONSTR_DEFAULT' && isClock(c.raw_expr));

/** Incident 7: `timestamp` stores a wall-clock time with no zone; the same instant reads back differently depending
 *  on the session's TimeZone, and DST makes some values ambiguous. */
export default defineRule({
  id: 'prefer-timestamp-tz',
  severity: 'warning',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  summary: 'A timestamp column without time zone filled by DEFAULT now(): the value depends on the session\'s TimeZone setting.',
  check(ctx) {
    const naive = declaredColumns(ctx.statement.node).filter((c) => isClockStamped(c.name, c.type, c.def));
    if (naive.length === 0 || !firstOfHabit(ctx, isClockStamped)) return undefined;
    const fixed = retypeStatement(ctx, naive.map(({ location }) => location), NAIVE, (m) => `timestamptz${(m[1] ?? '').replace(/\s+/g, '')}`);
    // One finding per statement: an ORM's CREATE TABLE often has several such columns, and one fix covers them.
    const names = naive.map(({ name }) => name);
    return {
      message: `${cap(columnsPhrase(names))} ${names.length > 1 ? 'are' : 'is'} timestamp without time zone filled by the database's clock: the value is the session's local time; use timestamptz.${habitNote('such')}`,
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

