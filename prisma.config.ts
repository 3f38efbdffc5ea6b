import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (`prisma generate`). Migrations are applied by Plinth itself
// (`plinth migrate` or at start-up), so no datasource URL is needed here.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
