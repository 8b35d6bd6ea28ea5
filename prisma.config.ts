import { defineConfig } from 'prisma/config';

// `env('DATABASE_URL')` would throw on a fresh machine during `prisma generate`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // eslint-disable-next-line no-restricted-properties -- prisma's own CLI config, not the app
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
