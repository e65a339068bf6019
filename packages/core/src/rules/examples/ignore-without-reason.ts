import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `-- pgsafe-ignore ban-char-field
CREATE TABLE IF NOT EXISTS shops (id bigint PRIMARY KEY, country char(3));`,
  good: `-- pgsafe-ignore ban-char-field: a fixed-width code read by the legacy export
CREATE TABLE IF NOT EXISTS shops (id bigint PRIMARY KEY, country char(3));`,
});
