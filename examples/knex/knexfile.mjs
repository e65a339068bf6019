import { withPgsafe } from '@pgsafe/knex';

// The one line: withPgsafe(...) around the usual config. `knex migrate:latest` is unchanged.
export default withPgsafe({
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: { directory: './migrations' },
});
