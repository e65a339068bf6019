import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `-- pgsafe-ignore ban-char-field
CREATE TABLE IF NOT EXISTS shops (id bigint PRIMARY KEY, postcode char(10));`,
  good: `-- pgsafe-ignore ban-char-field: a fixed-width field read by the legacy export
CREATE TABLE IF NOT EXISTS shops (id bigint PRIMARY KEY, postcode char(10));`,
});
