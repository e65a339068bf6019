import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE audit (id bigint PRIMARY KEY);`,
  good: `CREATE TABLE IF NOT EXISTS public.audit (id bigint PRIMARY KEY);`,
});
