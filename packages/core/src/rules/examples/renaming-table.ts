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
    "Not reported for a table this release created (this migration, an earlier one of the same deploy, or one whose name's timestamp is less than 12 hours before this one's: the same change; a name without a timestamp says nothing): no running release uses it.",
  ],
});
