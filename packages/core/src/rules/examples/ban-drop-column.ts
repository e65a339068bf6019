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
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
