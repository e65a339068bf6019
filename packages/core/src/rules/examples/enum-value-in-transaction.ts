import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';
COMMIT;`,
  good: `-- outside any transaction block
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';`,
  options: { pgVersion: 11 },
  notes: [
    "The example targets PostgreSQL 11 (`--pg-version 11`), where `ALTER TYPE ... ADD VALUE` cannot run in a transaction block at all. From PostgreSQL 12 it can, but the new value cannot be used before the transaction commits: the rule then reports only a statement of the same transaction that uses it.",
  ],
});
