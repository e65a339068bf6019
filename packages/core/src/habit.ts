import type { ColumnDef } from '@pgsql/types';
import { typeInfo, type TypeInfo } from './ast.js';
import type { RuleContext } from './rule.js';

/** Which declared columns a style rule is about. */
export type HabitMatch = (name: string, type: TypeInfo, def: ColumnDef) => boolean;

/**
 * The style rules about a type an ORM writes by default (varchar(255), serial, integer keys, timestamp) speak once
 * per migration history: at the first statement that declares such a column. Every later one is the same habit, and
 * the user usually cannot change it column by column in the ORM; one note per column buried the findings that
 * matter (issue 22: 20% precision when reported per column). A history is a runner's folder as `check` replays it,
 * or the one migration checked alone.
 */
export function firstOfHabit(ctx: RuleContext, match: HabitMatch): boolean {
  return !ctx.schema.declaredBefore(ctx.statement.index, (name, def) => {
    const type = typeInfo(def.typeName);
    return !!type && match(name, type, def);
  });
}

/** The sentence the finding ends with: why the next such columns are not reported. */
export const habitNote = (what: string) => ` Said once per migration history: later ${what} columns are not reported.`;
