import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users DROP COLUMN legacy_plan;`,
  good: `-- deploy 1 shipped code that no longer reads or writes legacy_plan
BEGIN;
SET lock_timeout = '2s';
-- pgsafe-ignore ban-drop-column: unused since release 42
ALTER TABLE users DROP COLUMN legacy_plan;
COMMIT;`,
  notes: [
    "Not reported for a table this release created, nor for a column it added or gave this name (this migration, an earlier one of the same deploy, or one whose name's timestamp is less than 12 hours before this one's: the same change; a name without a timestamp says nothing), such as the temporary column of an expand/contract done within one release: no running release uses it.",
    "Not reported for a column the history renamed aside (`plan` to `old_plan`, `plan_deprecated`, `planLegacy`: the old name with a word like old, legacy, deprecated, backup, unused added): the rename broke the code still using it (renaming-column reports that), and no code names the aside name. On the bench: crowd.dev's `old_*` columns, dropped seven months after their values were copied and the columns renamed aside.",
    "Why it stays an error below the 90% target: of the bench's sampled findings (11 true, 0 false, 9 debatable of 20), none is wrong; the rest are debatable because they depend on how the project deploys, which its migrations do not show (lemmy and dokploy instances restarting for upgrades, a cleanup of something the code stopped using in an earlier release). Where the previous release still runs, each one is an outage for as long as the deploy lasts, so a rolling deploy needs the error; a project whose app is stopped before migrating says `deploy: \"stop-the-app\"` and these findings go. Made a warning or opt-in, it would hide the true ones of every rolling deploy.",
  ],
});
