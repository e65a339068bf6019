import { defineExample } from '../../rule-docs/example.js';

export default defineExample({
  bad: `CREATE TABLE IF NOT EXISTS customer_subscription_renewal_reminder_notifications_sent_by_email (id bigint PRIMARY KEY);`,
  good: `CREATE TABLE IF NOT EXISTS subscription_reminders_sent (id bigint PRIMARY KEY);`,
});
