import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
ALTER TABLE users ADD COLUMN country text;
ALTER TABLE orders ADD COLUMN country text;
COMMIT;`,
  good: `-- one table per transaction: each lock is held only while its own statement runs
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN country text;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN country text;
COMMIT;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
