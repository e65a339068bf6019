import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE INDEX CONCURRENTLY orders_search_idx ON orders (shop_id, status, created_at, currency, channel);`,
  good: `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_shop_status_idx ON orders (shop_id, status, created_at);`,
  notes: [
    `Opt-in: on 27 real public migration histories (bench/precision), 0 of 20 sampled findings were right: every wide index was built for a specific query (a covering index for a feed, a composite sort key), where the later columns are what the plan needs. Turn it on where indexes are added without a query in mind.`,
  ],
});
