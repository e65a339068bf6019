import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER SCHEMA billing RENAME TO invoicing;`,
  good: `-- keep the old name working: a new schema, and the tables moved one by one in later deploys
CREATE SCHEMA IF NOT EXISTS invoicing;`,
});
