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
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
