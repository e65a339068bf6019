import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);`,
  good: `SET lock_timeout = '2s';
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
BEGIN;
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
COMMIT;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
    "Without the database (`pgsafe check` alone), not reported where the history shows the table small or empty: a reference table its migrations fill with their own VALUES rows (two or more, none copied from other tables), or a table an earlier migration of the same change (written less than 12 hours before, by the timestamps of their names) created and put no rows in.",
  ],
});
