import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN api_token uuid DEFAULT gen_random_uuid();`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN api_token uuid;
ALTER TABLE users ALTER COLUMN api_token SET DEFAULT gen_random_uuid(); -- new rows only, no rewrite
COMMIT;
-- then backfill the existing rows in batches, outside this migration`,
});
