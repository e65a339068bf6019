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
  ],
});
