import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE orders ALTER COLUMN id TYPE bigint;`,
  good: `-- orders_v2 is created in this migration: its types are free to choose
CREATE TABLE IF NOT EXISTS orders_v2 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total_cents bigint NOT NULL);`,
});
