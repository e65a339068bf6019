import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);
COMMIT;`,
  good: `-- on its own, outside any transaction block
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);`,
});
