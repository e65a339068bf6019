import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ALTER COLUMN email DROP NOT NULL;`,
  good: `-- deploy 1 shipped code that handles email IS NULL wherever it is read
BEGIN;
SET lock_timeout = '2s';
-- pgsafe-ignore ban-drop-not-null: every reader handles NULL since release 42
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
COMMIT;`,
  notes: [
    `Opt-in: on 27 real public migration histories (bench/precision), none of 20 sampled findings was clearly right: DROP NOT NULL is instant and takes only a brief lock, and whether old code breaks on NULLs depends on that code, not on the migration. Turn it on where several releases read the same tables at once.`,
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
