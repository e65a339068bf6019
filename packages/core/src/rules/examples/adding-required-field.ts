import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN country text NOT NULL;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN country text NOT NULL DEFAULT 'FR'; -- PG 11+: a constant default is instant
COMMIT;`,
  notes: [
    "Not reported for a column with a DEFAULT, or an identity column: PostgreSQL fills existing rows itself.",
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
    "Without the database (`pgsafe check` alone), a table an earlier migration created less than a week before this one (by the timestamps of their names) and put no rows in is a warning that asks whether it has rows yet: whether the release that created it has been deployed and used is what only the live database knows. On real histories such tables were pre-release work, which a reviewer cannot call either way (issue 22: every one sampled was judged debatable). `pgsafe check --database-url` and the deploy's guard count the rows: rows make it an error, an empty table a warning.",
  ],
});
