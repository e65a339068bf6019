import { DataSource } from 'typeorm';
import { withPgsafe } from '@pgsafe/typeorm';

// The one change: withPgsafe(...) around the DataSource. `typeorm migration:run -d data-source.js` is unchanged.
export default withPgsafe(
  new DataSource({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    migrations: ['migrations/*.js'],
    // 'each' lets a migration opt out of the transaction (transaction = false), which CREATE INDEX CONCURRENTLY needs.
    migrationsTransactionMode: 'each',
  }),
);
