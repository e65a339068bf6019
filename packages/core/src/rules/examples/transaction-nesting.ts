import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `BEGIN;
ALTER TABLE users ADD COLUMN bio text;
BEGIN;
ALTER TABLE users ADD COLUMN avatar_url text;
COMMIT;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN bio text;
ALTER TABLE users ADD COLUMN avatar_url text;
COMMIT;`,
});
