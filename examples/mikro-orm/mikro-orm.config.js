import { defineConfig, EntitySchema } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { withPgsafe } from '@pgsafe/mikro-orm';

export const User = new EntitySchema({
  name: 'User',
  tableName: 'users',
  properties: {
    id: { type: 'number', primary: true },
    email: { type: 'string' },
    country: { type: 'string', nullable: true },
  },
});

// The one change: withPgsafe(...) around the config. `mikro-orm migration:up` is unchanged.
export default withPgsafe(
  defineConfig({
    clientUrl: process.env.DATABASE_URL,
    entities: [User],
    extensions: [Migrator],
    migrations: { path: 'migrations', glob: '!(*.d).{js,ts}', snapshot: false },
  }),
);
