import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `DROP INDEX orders_created_at_idx;`,
  good: `DROP INDEX CONCURRENTLY IF EXISTS orders_created_at_idx;`,
});
