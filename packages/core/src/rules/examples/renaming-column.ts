import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users RENAME COLUMN name TO full_name;`,
  good: `-- deploy 1: the new column; the application writes both, a batched job copies the older rows
BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN full_name text;
COMMIT;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
