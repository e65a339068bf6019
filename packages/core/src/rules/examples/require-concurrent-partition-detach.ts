import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `ALTER TABLE measurements DETACH PARTITION measurements_2023;`,
  good: `SET lock_timeout = '2s';
ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;`,
  notes: [
    "Not reported for PostgreSQL 13 and older (`--pg-version 13`), which cannot detach concurrently.",
  ],
});
