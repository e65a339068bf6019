import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `VACUUM FULL orders;`,
  good: `-- no migration: rebuild the table online, outside the deploy
-- pg_repack --table=orders --dbname=shop`,
});
