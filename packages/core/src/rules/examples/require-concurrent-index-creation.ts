import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE INDEX orders_created_at_idx ON orders (created_at);`,
  good: `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
    "Without the database (`pgsafe check` alone), not reported where the history shows the table small or empty: a reference table its migrations fill with their own VALUES rows (two or more, none copied from other tables), or a table an earlier migration of the same change (written less than 12 hours before, by the timestamps of their names) created and put no rows in.",
  ],
});
