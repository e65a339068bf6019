import { defineConfig, env } from 'prisma/config';

// Prisma 7 reads the URL for Migrate from here (not from schema.prisma), and pgsafe reads it the same way.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: env('DATABASE_URL') },
});
