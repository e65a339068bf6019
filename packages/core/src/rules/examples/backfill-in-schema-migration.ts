import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
ALTER TABLE users ADD COLUMN country text;
UPDATE users SET country = 'FR';
COMMIT;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN country text;
COMMIT;
-- the data change: a batched job, or the backfill pgsafe fix writes, outside the schema migration`,
});
