import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `REINDEX INDEX orders_created_at_idx;`,
  good: `REINDEX INDEX CONCURRENTLY orders_created_at_idx;`,
  notes: [
    "Not reported for PostgreSQL 11 (`--pg-version 11`), which cannot reindex concurrently.",
  ],
});
