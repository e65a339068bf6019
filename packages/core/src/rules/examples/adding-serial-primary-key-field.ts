import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE events ADD PRIMARY KEY (id);`,
  good: `SET lock_timeout = '2s';
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_pkey ON events (id);
BEGIN;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
COMMIT;`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
    "Without the database (`pgsafe check` alone), not reported where the history shows the table small or empty: a reference table its migrations fill with their own VALUES rows (two or more, none copied from other tables), or a table an earlier migration of the same change (written less than 12 hours before, by the timestamps of their names) created and put no rows in.",
  ],
});
