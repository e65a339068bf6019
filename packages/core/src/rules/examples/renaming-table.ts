import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE customers RENAME TO accounts;`,
  good: `BEGIN;
SET lock_timeout = '2s';
-- pgsafe-ignore renaming-table: the view below keeps the old name working until every version uses accounts
ALTER TABLE customers RENAME TO accounts;
CREATE VIEW customers AS SELECT * FROM accounts;
COMMIT;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
