import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
ALTER TABLE users ADD COLUMN bio text;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN bio text;
COMMIT;`,
});
