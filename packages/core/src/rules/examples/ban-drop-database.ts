import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `DROP DATABASE shop_staging;`,
  good: `-- nothing: databases are dropped by hand, after a backup`,
});
