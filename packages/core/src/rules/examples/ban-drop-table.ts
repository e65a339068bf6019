import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `DROP TABLE audit_log;`,
  good: `-- deploy 1 shipped code that no longer uses audit_log; a copy is kept (pg_dump -t audit_log)
BEGIN;
SET lock_timeout = '2s';
-- pgsafe-ignore ban-drop-table: unused since release 42, backed up
DROP TABLE audit_log;
COMMIT;`,
  notes: [
    "Not reported for a table this release created (this migration, an earlier one of the same deploy, or one whose name's timestamp is less than 12 hours before this one's: the same change; a name without a timestamp says nothing): no running release uses it, and it holds no data of one.",
    "Not reported for a table the history renamed aside (`members` to `members_old`, the old name with a word like old, legacy, deprecated, backup added): the rename was the step that broke the code still using it.",
    "Why it stays an error below the 90% target: of the bench's 20 sampled findings, 9 are true, 1 false (a dated backup table no code reads) and 10 debatable, because they depend on what the migrations do not show: how the project deploys (lemmy restarting for upgrades) or that the code stopped using the table in an earlier release (trigger-dev's retired v2 tables, crowd.dev's cleanups). Where the previous release still uses the table, the drop is an outage and lost data, so a rolling deploy needs the error; `deploy: \"stop-the-app\"` quiets it for a project that stops the app first, and `-- pgsafe-ignore ban-drop-table: unused since <release>` records a deliberate cleanup.",
  ],
});
