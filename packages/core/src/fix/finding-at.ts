import type { Finding } from '../finding.js';
import type { FixContext } from './types.js';

/** The finding of one of `rules` on this unit: at the clause starting at `location` (an AST byte offset) when
 *  given, so that each constraint of a split ALTER TABLE gets its own finding and recipe. */
export function findingAt(ctx: FixContext, rules: string[], location?: number): Finding | undefined {
  const at = location === undefined ? undefined : ctx.migration.map.charOffset(location);
  return ctx.findings.find((f) => rules.includes(f.rule) && (at === undefined || f.start.offset === at));
}
