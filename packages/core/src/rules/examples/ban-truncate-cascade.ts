import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `TRUNCATE users CASCADE;`,
  good: `BEGIN;
SET lock_timeout = '2s';
TRUNCATE users, sessions; -- every table to empty, named
COMMIT;`,
});
