import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TYPE order_status ADD VALUE 'cancelled';`,
  good: `ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled' BEFORE 'shipped';`,
});
