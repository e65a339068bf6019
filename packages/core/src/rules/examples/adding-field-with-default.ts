import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN api_token uuid DEFAULT gen_random_uuid();`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN api_token uuid;
ALTER TABLE users ALTER COLUMN api_token SET DEFAULT gen_random_uuid(); -- new rows only, no rewrite
COMMIT;
-- then backfill the existing rows in batches, outside this migration`,
  notes: [
    "A function the history created has the volatility its CREATE FUNCTION declares (VOLATILE when it says nothing): a certain rewrite, an error; an IMMUTABLE or STABLE one is no rewrite. Only a function pgsafe cannot classify (neither a built-in it knows nor created in the history) gives a warning, \"may be volatile\". On the bench every one of the 11 warnings was a function the history created (lemmy's generate_unique_changeme(), ente's now_utc_micro_seconds()): they are errors now.",
  ],
});
