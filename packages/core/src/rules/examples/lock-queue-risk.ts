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
    "A table this release created (this migration, an earlier one of the same deploy, or one whose name's timestamp is less than 12 hours before this one's: the same change; a name without a timestamp says nothing) counts neither as a held table nor as the one awaited: no running release queries it, so nothing queues on it.",
    "A table is not counted as held by the statement that drops it or renames it aside (`x` to `old_x`): the running release's queries on it fail once the transaction commits whatever they waited for, which ban-drop-table and renaming-table report. On the bench: trigger-dev dropping the tables of its retired v2 engine in one migration, crowd.dev renaming its retired cache tables aside.",
    "Below its 75% target (14 true, 0 false, 6 debatable of 20 sampled): the debatable ones are tables with little traffic to queue (a self-hosted PaaS, lemmy's moderation-log tables), which only the live database's traffic tells; none was wrong. It stays a warning: the queue and the deadlock it describes are real whenever the tables are busy.",
  ],
});
