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
  ],
});
