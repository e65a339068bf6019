import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE events ADD COLUMN payload json;`,
  good: `BEGIN;
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN payload jsonb;
COMMIT;`,
});
