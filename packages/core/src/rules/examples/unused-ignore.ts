import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `-- pgsafe-ignore require-concurrent-index-creation: orders is small
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);`,
  good: `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);`,
});
