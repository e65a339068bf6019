import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);`,
  good: `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);`,
  notes: [
    "Not reported inside a transaction block (an explicit `BEGIN`, or a runner that wraps each file in one: `--assume-in-transaction`): a failure then rolls everything back.",
  ],
});
