import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users RENAME COLUMN name TO full_name;`,
  good: `-- deploy 1: the new column; the application writes both, a batched job copies the older rows
BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN full_name text;
COMMIT;`,
  notes: [
    "Not reported for a table this release created, nor for a column it added or gave this name (this migration, an earlier one of the same deploy, or one whose name's timestamp is less than 12 hours before this one's: the same change; a name without a timestamp says nothing): no running release uses the old name. On the bench this removed 71 of 361 findings: mostly lemmy 1.0's renames in tables that release created, and hydra's swap of a column added in the same change.",
  ],
});
