import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE users ADD COLUMN bio text;`,
  good: `BEGIN;
SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE users ADD COLUMN bio text;
COMMIT;`,
});
