import type { RunnerName } from './context/runners.js';
import type { RuleContext } from './rule.js';

/** The previous release still runs while the migration does (`deploy: rolling`, the default): renames and drops
 *  break it. With `deploy: stop-the-app` it is stopped first and no running code uses the old names. */
export function oldReleaseRuns(ctx: RuleContext): boolean {
  return ctx.options.deploy === 'rolling';
}

/** Said in the findings of the rules that only the previous release's code makes dangerous. */
export const ROLLING_DEPLOY_NOTE = 'This assumes a rolling deploy (`deploy: rolling`, the default); when the previous release is stopped before the migrations run, say `deploy: "stop-the-app"` in the config and this is not reported.';

/** Runners whose application code maps every column of a table and names each in its queries. */
const MAPS_EVERY_COLUMN: Partial<Record<RunnerName, string>> = {
  prisma: 'Prisma Client names every scalar field of the model in its SELECTs, INSERTs and RETURNING clauses',
  typeorm: 'TypeORM names every mapped column of the entity in its SELECTs and INSERTs',
  'mikro-orm': 'MikroORM names every mapped property of the entity in its SELECTs and INSERTs',
  diesel: "diesel's queries name every column its table! schema lists",
};

/** Which of the previous release's queries a dropped or renamed column breaks, as the project's runner tells it. */
export function queriesBroken(ctx: RuleContext, table: string, column: string): string {
  const runner = ctx.options.runner;
  const orm = runner && MAPS_EVERY_COLUMN[runner];
  if (orm) return `${orm}: every query of the previous release that reads or writes ${table} fails, not only those that use ${column}.`;
  if (runner) return `Its queries break where they name ${column} (SELECT * keeps working); were an ORM that lists every mapped column in use, every query of ${table} would fail.`;
  return `An ORM that names every mapped column (Prisma, TypeORM, MikroORM, diesel, drizzle) fails on every query of ${table}; hand-written SQL fails where it names ${column}.`;
}
