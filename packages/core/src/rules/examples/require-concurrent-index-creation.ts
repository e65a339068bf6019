import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE INDEX orders_created_at_idx ON orders (created_at);`,
  good: `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);`,
  notes: [
    "Not reported for a table created earlier in the same migration: it is empty, and no query uses it yet.",
  ],
});
