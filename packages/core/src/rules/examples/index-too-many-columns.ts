import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE INDEX CONCURRENTLY orders_search_idx ON orders (shop_id, status, created_at, currency, channel);`,
  good: `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_shop_status_idx ON orders (shop_id, status, created_at);`,
});
