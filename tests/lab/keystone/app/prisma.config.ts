// Prisma 7 configuration, as `keystone build` would create it. Only `prisma format` and
// `prisma generate` run here (both WebAssembly); the schema engine binary is never downloaded or
// used (see ../up.sh: the committed migrations are applied with better-sqlite3).
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'schema.prisma',
  migrations: {
    path: 'migrations',
  },
  datasource: {
    url: process.env.DATABASE_URL,
  },
})
