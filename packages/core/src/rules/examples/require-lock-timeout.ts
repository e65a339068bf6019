import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN bio text;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN bio text;
COMMIT;`,
  notes: [
    "Not reported when the migration sets `lock_timeout` before the statement, or when the runner sets it (`--runner-sets-timeouts`: `pgsafe run` and the ORM adapters do); reported once per migration, at the first statement that would queue traffic, counting the others.",
    "Not reported for a table this release created (this migration, an earlier one of the same deploy, or one whose name's timestamp is less than 12 hours before this one's: the same change; a name without a timestamp says nothing): no running release queries it, so nothing queues behind the wait.",
  ],
});
