import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE IF NOT EXISTS customer_subscription_renewal_reminder_notifications_sent_by_email (id bigint PRIMARY KEY);`,
  good: `CREATE TABLE IF NOT EXISTS subscription_reminders_sent (id bigint PRIMARY KEY);`,
  notes: [
    `Where the project's migrations are plain SQL (diesel, flyway, goose, golang-migrate, sqlx, dbmate, ...), PostgreSQL cuts every mention of a long name the same way and no tool compares it, so only two long names of one migration cut to the same 63 bytes are reported. Where the ORM's schema diff compares names (Prisma, TypeORM, MikroORM) or the runner is unknown (a file checked alone), every long name given is reported: the cut name is drift in every later diff. On the precision bench the raw-SQL findings were 8 of its 15 and none was worth acting on.`,
  ],
});
