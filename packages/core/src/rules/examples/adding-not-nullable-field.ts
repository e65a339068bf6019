import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ALTER COLUMN country SET NOT NULL;`,
  good: `SET lock_timeout = '2s';
SET statement_timeout = '5s';
BEGIN;
ALTER TABLE users ADD CONSTRAINT users_country_not_null_chk CHECK (country IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE users VALIDATE CONSTRAINT users_country_not_null_chk;
BEGIN;
ALTER TABLE users ALTER COLUMN country SET NOT NULL; -- PG 12+: no scan, the CHECK proves it
ALTER TABLE users DROP CONSTRAINT users_country_not_null_chk;
COMMIT;`,
  notes: [
    "Not reported on PostgreSQL 12 and later when an earlier statement of the migration validated a `CHECK (column IS NOT NULL)`: `SET NOT NULL` then skips its scan. On PostgreSQL 11 it is reported anyway (`--pg-version 11`).",
    "Without the database (`pgsafe check` alone), not reported where the history shows the table small or empty: a reference table its migrations fill with their own VALUES rows (two or more, none copied from other tables), or a table an earlier migration of the same change (written less than 12 hours before, by the timestamps of their names) created and put no rows in.",
  ],
});
