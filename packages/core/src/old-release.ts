import type { RuleContext } from './rule.js';

/** The previous release still runs while the migration does (`deploy: rolling`, the default): renames and drops
 *  break it. With `deploy: stop-the-app` it is stopped first and no running code uses the old names. */
export function oldReleaseRuns(ctx: RuleContext): boolean {
  return ctx.options.deploy === 'rolling';
}

/** Said in the findings of the rules that only the previous release's code makes dangerous. */
export const ROLLING_DEPLOY_NOTE = 'This assumes a rolling deploy (`deploy: rolling`, the default); when the previous release is stopped before the migrations run, say `deploy: "stop-the-app"` in the config and this is not reported.';
